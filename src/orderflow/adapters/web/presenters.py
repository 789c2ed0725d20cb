"""Domain objects as the JSON of SPEC §3 (camelCase, integer minor units)."""


def iso(moment):
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def product_json(product):
    return {
        "id": product.id,
        "title": product.title,
        "description": product.description,
        "unitAmount": product.unit_amount,
        "currency": product.currency,
    }


def order_json(order):
    payment = order.payment
    failure = order.failure
    return {
        "id": order.id,
        "status": order.status,
        "sessionId": order.session_id,
        "items": [
            {
                "id": item.product_id,
                "title": item.title,
                "unitAmount": item.unit_amount,
                "quantity": item.quantity,
                "lineTotal": item.line_total,
            }
            for item in order.items
        ],
        "total": order.total,
        "currency": order.currency,
        "dateCreated": iso(order.date_created),
        "dateModified": iso(order.date_modified),
        "payment": None if payment is None else {
            "amountReceived": payment.amount_received,
            "currency": payment.currency,
            "paymentIntent": payment.payment_intent,
            "paidAt": iso(payment.paid_at),
        },
        "failure": None if failure is None else {"code": failure.code, "reason": failure.reason},
    }


def started_json(started):
    return {"orderId": started.order_id, "sessionId": started.session_id, "url": started.url}
