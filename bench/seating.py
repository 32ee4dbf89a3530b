"""Seating maths: how long a deal and a world-café round take, and how many meet again.

    .venv/bin/python bench/seating.py            # figures as a table
    .venv/bin/python bench/seating.py --json     # the same as JSON

Rooms: the target world café (200 people, 25 tables of 8, a host at every table, 4 rounds:
a mixed deal, then three reshuffles), a room with no hosts, the caps (PARTICIPANTS_MAX people
at TABLES_MAX tables of 37-38, a host at each, ROUNDS_MAX rounds: what start_round may be
asked at worst; the server waits for it), a crowded room (30 people at 3 tables of 10, where
meeting again cannot be avoided: in round 2 each table takes 3 or 4 from each first-round
table, at least 36 repeats), and a small room of 9 people at 3 tables (solved exactly).
Each round is timed 5 times; the median and the slowest are reported. "repeats" is the
number of pairs at one table who already sat together in an earlier round, and "met again"
the share of the people who move that meet at least one person again. Target: every
round well under a second for 200 people. The machine's load average is printed beside.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from collections.abc import Mapping, Sequence

from yoriai.facilitation import limits
from yoriai.facilitation.seating import deal_mixed, reshuffle

ATTRIBUTES = ["住民", "住民", "住民", "町内会・自治会", "町内会・自治会", "事業者", "学生", "行政"]
TIMES = 5


def repeats(seating: Mapping[str, str], rounds: Sequence[Mapping[str, str]]) -> int:
    met = {frozenset((a, b)) for r in rounds for a, b in itertools.combinations(r, 2)
           if r[a] == r[b]}
    return sum(1 for a, b in itertools.combinations(seating, 2)
               if seating[a] == seating[b] and frozenset((a, b)) in met)


def met_again(seating: Mapping[str, str], rounds: Sequence[Mapping[str, str]],
              hosts: Mapping[str, str]) -> float:
    movers = [p for p in seating if p not in set(hosts.values())]
    met = {frozenset((a, b)) for r in rounds for a, b in itertools.combinations(r, 2)
           if r[a] == r[b]}
    again = sum(any(seating[b] == seating[a] and frozenset((a, b)) in met
                    for b in seating if b != a) for a in movers)
    return again / len(movers) if movers else 0.0


def timed(call: object) -> tuple[float, float, object]:
    assert callable(call)
    spent, result = [], None
    for _ in range(TIMES):
        start = time.perf_counter()
        result = call()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent), max(spent), result


def room(name: str, people: int, tables: int, rounds: int, hosted: bool) -> list[dict[str, object]]:
    pids = [f"p{i}" for i in range(people)]
    table_ids = [f"k{i + 1}" for i in range(tables)]
    attrs = [(p, ATTRIBUTES[i * 7 % len(ATTRIBUTES)]) for i, p in enumerate(pids)]
    median, slowest, dealt = timed(lambda: deal_mixed(attrs, tables))
    assert isinstance(dealt, list)
    first = {p: table_ids[k] for k, seated in enumerate(dealt) for p in seated}
    hosts = {t: dealt[k][0] for k, t in enumerate(table_ids) if hosted and dealt[k]}
    rows: list[dict[str, object]] = [{"room": name, "round": 1, "what": "deal_mixed",
                                      "median_ms": median * 1e3, "slowest_ms": slowest * 1e3,
                                      "repeats": 0, "met_again": 0.0}]
    history = [first]
    for r in range(2, rounds + 1):
        past = list(history)
        median, slowest, seating = timed(lambda past=past: reshuffle(past, hosts, pids, table_ids))
        assert isinstance(seating, dict)
        rows.append({"room": name, "round": r, "what": "reshuffle",
                     "median_ms": median * 1e3, "slowest_ms": slowest * 1e3,
                     "repeats": repeats(seating, past),
                     "met_again": met_again(seating, past, hosts)})
        history.append(seating)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = [*room("200 people, 25 tables, hosts", 200, 25, 4, True),
            *room("200 people, 25 tables, no hosts", 200, 25, 4, False),
            *room("30 people, 3 tables, hosts", 30, 3, 4, True),
            *room("the caps: 1,500 people, 40 tables", limits.PARTICIPANTS_MAX,
                  limits.TABLES_MAX, limits.ROUNDS_MAX, True),
            *room("9 people, 3 tables, hosts", 9, 3, 3, True)]
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"load_average": load, "rows": rows}, ensure_ascii=False, indent=1))
        return
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {TIMES} runs each")
    print(f"{'room':34} {'round':>5} {'what':11} {'median ms':>10} {'slowest ms':>10} "
          f"{'repeats':>8} {'met again':>9}")
    for row in rows:
        print(f"{row['room']:34} {row['round']:>5} {row['what']:11} "
              f"{row['median_ms']:>10.1f} {row['slowest_ms']:>10.1f} {row['repeats']:>8} "
              f"{row['met_again']:>9.0%}")


if __name__ == "__main__":
    main()
