"""Webhook throughput: signed payment_intent.succeeded events posted to /payments/confirm with
16 concurrent connections, a quarter of them duplicates, then a check that every payment was
processed exactly once. Called by bench/run.py while its gunicorn is up."""

import hashlib
import hmac
import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

DUPLICATES = 500


def signed_event(row: dict, event_id: str, secret: str) -> tuple[bytes, str]:
    payload = {
        "id": event_id,
        "object": "event",
        "type": "payment_intent.succeeded",
        "api_version": "2025-09-30.clover",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": row["intent_id"],
                "object": "payment_intent",
                "amount": row["amount"],
                "amount_received": row["amount"],
                "currency": row["currency"],
                "status": "succeeded",
                "metadata": row["metadata"],
            }
        },
    }
    body = json.dumps(payload).encode()
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"


def post_all(base_url: str, events: list[tuple[bytes, str]], connections: int = 16) -> tuple[float, dict[int, int]]:
    host = urlsplit(base_url)
    statuses: dict[int, int] = {}

    def send(chunk):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        seen = []
        for body, signature in chunk:
            connection.request(
                "POST",
                "/payments/confirm",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": signature,
                    "X-Forwarded-Proto": "https",
                },
            )
            response = connection.getresponse()
            response.read()
            seen.append(response.status)
        connection.close()
        return seen

    chunks = [events[index::connections] for index in range(connections)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for seen in pool.map(send, chunks):
            for status in seen:
                statuses[status] = statuses.get(status, 0) + 1
    return time.perf_counter() - started, statuses


def run(base_url: str, rows: list[dict], secret: str, run_id: str) -> dict:
    unique = [signed_event(row, f"evt_bench_{run_id}_{index}", secret) for index, row in enumerate(rows)]
    duplicates = unique[:DUPLICATES]
    # Interleave the duplicates so some arrive while the original is still being processed.
    events = []
    for index, event in enumerate(unique):
        events.append(event)
        if index < len(duplicates):
            events.append(duplicates[index])
    elapsed, statuses = post_all(base_url, events)
    return {"events": len(events), "unique": len(unique), "seconds": elapsed, "statuses": statuses}
