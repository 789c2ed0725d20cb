"""Python's garbage collector in a serving process (`orderflow.gc = tuned`).

The webhook's tail (docs/performance.md, "The webhook's tail"): with the
collector's defaults, a full collection ran three or four times per 3,000
webhooks and stopped the process for 90-160 ms each time, walking every
object the process holds (the warmed connections' ghosts of every index
bucket, the caches' orders). Two changes, made once start-up is done:
- what start-up made lives as long as the process: it is collected once
  and frozen (`gc.freeze`), so no later collection walks it again;
- a full collection waits for 100 collections of the middle generation
  instead of 10. Reference counting frees almost everything a request
  makes; the full collections only find cycles, and a tenth as many of
  them found the same in the runs measured (the process's memory within
  a few MB of the defaults').
Off (`default`) in the code, so that tests building many apps in one
process leave the collector alone; on in development.ini and
production.ini.
"""

import gc

THRESHOLDS = (700, 10, 100)  # Python's defaults are (700, 10, 10)


def tune_after_start():
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
