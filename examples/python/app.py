"""The orders service in Python: Flask, psycopg and urllib, with no tracing code at all.

It runs under ``opentelemetry-instrument`` (zero-code instrumentation): the official Flask,
psycopg and urllib instrumentations make every span, and the OTEL_* environment that tracewright's
startService sets says where to export them. Only ``GET /work``, the settle stress test's endpoint,
uses the OpenTelemetry API, to make a given number of spans.
"""
import json
import os
import urllib.error
import urllib.request

import psycopg
from flask import Flask, abort, jsonify, request
from opentelemetry import trace

app = Flask(__name__)
DATABASE_URL = os.environ["DATABASE_URL"]
PRICES_URL = os.environ.get("PRICES_URL", "")


def connect():
    # A connection per request keeps the example small; the psycopg instrumentation traces each query.
    return psycopg.connect(DATABASE_URL, autocommit=True)


@app.get("/health")
def health():
    return "ok"


@app.get("/orders")
def orders():
    """A customer's orders with their items: two queries, or one per order with ?nPlusOne=1."""
    with connect() as conn:
        ids = [row[0] for row in conn.execute(
            "SELECT id FROM orders WHERE customer = %s ORDER BY id", (request.args.get("customer"),))]
        result = {order_id: [] for order_id in ids}
        if request.args.get("nPlusOne") == "1":
            rows = [row for order_id in ids for row in conn.execute(
                "SELECT order_id, sku, quantity FROM order_items WHERE order_id = %s ORDER BY sku", (order_id,))]
        else:
            rows = conn.execute(
                "SELECT order_id, sku, quantity FROM order_items WHERE order_id = ANY(%s) ORDER BY order_id, sku",
                (ids,)).fetchall()
    for order_id, sku, quantity in rows:
        result[order_id].append({"sku": sku, "quantity": quantity})
    return jsonify([{"id": order_id, "items": items} for order_id, items in result.items()])


@app.get("/work")
def work():
    """?spans=N child spans (default 3), nothing else: test/reliability/settle-completeness.test.ts
    sends it thousands of times, and once with more than 512 spans (several export batches)."""
    tracer = trace.get_tracer("orders-python")
    for i in range(request.args.get("spans", default=3, type=int)):
        with tracer.start_as_current_span(f"step {i}"):
            pass
    return "done"


@app.get("/quote/<sku>")
def quote(sku):
    """Asks the prices service downstream; a failure there is a 502 here."""
    try:
        with urllib.request.urlopen(f"{PRICES_URL}/{sku}", timeout=10) as response:
            return app.response_class(response.read(), mimetype="application/json")
    except urllib.error.HTTPError as error:
        abort(502, f"prices answered {error.code}")
    except urllib.error.URLError as error:
        abort(502, f"prices unreachable: {error.reason}")


if __name__ == "__main__":
    # Flask's own server, threaded; the harness gives the port in $PORT.
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
