"""Writes an import CSV (the columns of README "Import columns") from a seeded database, one
row per account, with fresh customer numbers: the input of the 1M-row import benchmark.

    python3 tests/bench/import_csv_from_db.py SEEDED.sqlite3 OUT.csv [ROWS] [--sjis]
"""
import csv
import sqlite3
import sys

COLUMNS = ["service", "customer_number", "kind", "name", "name_kana", "birth_date", "prefecture",
           "postal_code", "address", "phone1", "phone2", "email", "status", "plan", "server_model",
           "servers", "first_delivery", "last_shipment", "dealer", "monthly_limit", "billing_cycle",
           "paid_through", "terminals", "np_terms"]

PREFIX = {"alwater": "XW", "amano-shop": "XM", "kaunet": "XK", "allwatch": "X2M", "plus-aqua": "XP"}


def main():
    source, target = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 1_000_000
    encoding = "cp932" if "--sjis" in sys.argv else "utf-8"
    db = sqlite3.connect(source)
    query = """
        SELECT a.service, c.kind, c.name, c.name_kana, c.birth_date, c.prefecture, c.postal_code, c.address,
               (SELECT number FROM customer_phones WHERE customer_id = c.id ORDER BY rowid LIMIT 1),
               (SELECT number FROM customer_phones WHERE customer_id = c.id ORDER BY rowid LIMIT 1 OFFSET 1),
               (SELECT address FROM customer_emails WHERE customer_id = c.id ORDER BY rowid LIMIT 1),
               a.status, a.plan, a.server_model, a.servers, a.first_delivery, a.last_shipment, a.dealer,
               a.monthly_limit, a.billing_cycle, a.paid_through, a.terminals, a.np_terms
        FROM accounts a JOIN customers c ON c.id = a.customer_id LIMIT ?"""
    with open(target, "w", newline="", encoding=encoding) as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n, row in enumerate(db.execute(query, (rows,)), start=1):
            service = row[0]
            values = [service, f"{PREFIX[service]}{n:09d}"] + ["" if v is None else v for v in row[1:]]
            writer.writerow(values)


if __name__ == "__main__":
    main()
