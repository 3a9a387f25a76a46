#!/usr/bin/env python3
"""How format1/ was made, once, from format2/ (kept for the record; the output is frozen and never regenerated).

Format 1 is the shape before the format was written down: no `format` field in commits or in a snapshot's
`stream` envelope, and the names issue 15 replaced:
- points events `lot_expired` -> `points_expired`, `lot_activated` -> `points_activated`;
- the wallet command `process_due` -> `expire_due` (in commits and in the commands a snapshot remembers);
- the wallet receipt fields `principal_available` -> `principal_remaining`, `bonus_available` ->
  `bonus_remaining`, `money_available` -> `total_remaining` (in `spent` and `hold_captured` events).
"""
import json, pathlib

here = pathlib.Path(__file__).parent
src = here.parent / "format2"
OLD_EVENT = {"lot_expired": "points_expired", "lot_activated": "points_activated"}
OLD_RECEIPT = {"principal_available": "principal_remaining", "bonus_available": "bonus_remaining",
               "money_available": "total_remaining"}

def renamed(obj, names):
    return {names.get(k, k): v for k, v in obj.items()}

def old_body(body, name):
    if name == "wallet" and body.get("type") == "process_due":
        body["type"] = "expire_due"

for name in ["points", "wallet", "customer"]:
    commits = json.loads((src / f"{name}.commits.json").read_text())
    for c in commits:
        del c["format"]
        old_body(c["command"]["body"], name)
        for e in c["events"]:
            if name == "points" and e.get("type") in OLD_EVENT:
                e["type"] = OLD_EVENT[e["type"]]
            if name == "wallet" and "receipt" in e:
                e["receipt"] = renamed(e["receipt"], OLD_RECEIPT)
    (here / f"{name}.commits.json").write_text(json.dumps(commits, indent=2, ensure_ascii=False) + "\n")
    state = json.loads((src / f"{name}.state.json").read_text())
    del state["stream"]["format"]
    for r in state["stream"]["recent"]:
        if r.get("body") is not None:
            old_body(r["body"], name)
    (here / f"{name}.state.json").write_text(json.dumps(state, indent=2, ensure_ascii=False) + "\n")
