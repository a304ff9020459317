"""Password-reset timing: does the answer's time tell which addresses have accounts?

Run by `make bench` (never by pytest). In-process, on a migrated SQLite database with one account: POST the reset
form for the known address and for unknown ones, interleaved, many times, and compare the medians. Before the fix
the unknown address answered about 2 ms sooner (a third of the whole) because it rendered no mail; now both render
the same mail and write the same audit row, and only the mail's one INSERT differs. Reported: medians, their
difference and ratio, and the share of pairs in which the known address was the slower. Written to
bench/results/reset_timing.json.
"""

import json
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import ROOT, migrate, portal_env  # noqa: E402

RESULTS = os.path.join(ROOT, "bench", "results", "reset_timing.json")
PAIRS = 400


def main():
    folder = tempfile.mkdtemp(prefix="reset-bench-")
    database_url = f"sqlite:///{folder}/portal.db"
    migrate(database_url)
    os.environ.update(portal_env(database_url))
    from portal import create_app
    from portal.auth.models import User
    from portal.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False, "PORTAL_ENV": "testing"})
    with app.app_context():
        db.session.add(User(email="member@bench.example", name="สมาชิก", password_hash="x"))
        db.session.commit()
    client = app.test_client()
    page = client.get("/password/reset").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    def ask(email):
        started = time.perf_counter()
        client.post("/password/reset", data={"email": email, "csrf_token": token})
        return time.perf_counter() - started

    for n in range(20):  # warm up both paths
        ask("member@bench.example"), ask(f"warm{n}@bench.example")
    known, unknown = [], []
    for n in range(PAIRS):
        known.append(ask("member@bench.example"))
        unknown.append(ask(f"nobody{n}@bench.example"))
    result = {
        "pairs": PAIRS,
        "known_median_ms": round(statistics.median(known) * 1000, 3),
        "unknown_median_ms": round(statistics.median(unknown) * 1000, 3),
        "known_slower_share": round(sum(k > u for k, u in zip(known, unknown)) / PAIRS, 3),
    }
    result["difference_ms"] = round(result["known_median_ms"] - result["unknown_median_ms"], 3)
    result["ratio"] = round(result["known_median_ms"] / result["unknown_median_ms"], 3)
    print(json.dumps(result, indent=2))
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
