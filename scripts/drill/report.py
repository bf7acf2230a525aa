"""The drill's printed report: the faults, a table of figures and each check's verdict."""

import collections
import statistics
from datetime import UTC, datetime

from .checks import check_answers, check_connections, check_logs, mail_delays, stored, tally
from .settings import MAIL_DELAY_P99_MAX, MAX_CONN_ERRORS, PROBE_LIMIT, PROBE_REQUESTS


def say(message):
    print(f"[drill {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def percentile(values, q):
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def print_table(title, rows):
    print(f"\n{title}")
    width = max(len(k) for k in rows)
    for key, value in rows.items():
        print(f"  {key:<{width}}  {value}")


def report(workdir, database, smtp, load, probe, faults, elapsed):
    results = load.results
    by_status = collections.Counter(
        f"{a.kind} {a.status}" for a in results + probe if a.status != "conn-error")
    broken = collections.Counter(a.body.decode(errors="replace")[:80]
                                 for a in results + probe if a.status == "conn-error")
    latencies = sorted(a.seconds for a in results if a.status != "conn-error")
    facts = stored(database, smtp)
    rows, checks, failed = tally(results, probe, facts)
    probe_ok = sum(1 for a in probe if a.status != "conn-error" and 200 <= a.status < 300)
    probe_429 = sum(1 for a in probe if a.status == 429)
    if probe_ok != PROBE_LIMIT:
        failed.append(f"rate limit across instances: {probe_ok} of {PROBE_REQUESTS} accepted, "
                      f"limit {PROBE_LIMIT}")
    answer_problems = check_answers(results + probe)
    failed += [f"{name}: {count}" for name, count in sorted(answer_problems.items())]
    connection_problems, during_restarts = check_connections(results + probe, faults.restarts)
    failed += connection_problems
    every, smtp_up = mail_delays(facts.get("visitor_mails", []),
                                 getattr(faults, "smtp_windows", []))
    delay_ok = not smtp_up or percentile(smtp_up, 99) <= MAIL_DELAY_P99_MAX
    if not delay_ok:
        failed.append(f"visitor mail p99 {percentile(smtp_up, 99):.0f} s after SMTP was back, "
                      f"at most {MAIL_DELAY_P99_MAX:.0f} s")
    logs = check_logs(workdir)
    if logs["not JSON"] or logs["request lines without id"] or logs["500 in logs"]:
        failed.append(f"logs: {logs}")
    if any(event.startswith("FAULT FAILED") for event in faults.events):
        failed.append("a fault could not be injected")

    table = {"requests (load)": f"{len(results)} in {elapsed:.0f} s "
                                f"({len(results) / elapsed:.0f}/s)",
             **{f"answers {key}": value for key, value in sorted(by_status.items())},
             "connection errors": f"{sum(broken.values())} ({during_restarts} during the "
                                  f"restarts, at most {MAX_CONN_ERRORS} allowed)",
             **{f"  {reason}": count for reason, count in broken.most_common(3)},
             "refused, sent to the other instance": load.failovers,
             **rows,
             "rate-limit probe": f"{probe_ok} accepted, {probe_429} x 429 of {PROBE_REQUESTS} "
                                 f"(limit {PROBE_LIMIT}/min, shared via Redis)",
             "latency p50": f"{percentile(latencies, 50) * 1000:.0f} ms",
             "latency p99": f"{percentile(latencies, 99) * 1000:.0f} ms",
             "visitor mail delay, queued -> SMTP (all)":
                 f"p50 {percentile(every, 50):.1f} s, p99 {percentile(every, 99):.1f} s "
                 f"({len(every)} mails)",
             "visitor mail delay, queued once SMTP was back":
                 f"p50 {percentile(smtp_up, 50):.1f} s, p99 {percentile(smtp_up, 99):.1f} s "
                 f"({len(smtp_up)} mails)",
             "webhooks to the hung receiver": f"{facts.get('webhooks', {})}",
             **{f"log {key}": value for key, value in logs.items()}}
    print_table("Faults", {f"{n + 1}": event for n, event in enumerate(faults.events)})
    print_table("Drill results", table)
    print("\nChecks")
    for name, ok, detail in checks:
        print(f"  {'ok  ' if ok else 'FAIL'}  {name}" + ("" if ok else f" ({detail})"))
    print(f"  {'ok  ' if probe_ok == PROBE_LIMIT else 'FAIL'}  rate limit holds across "
          "both instances")
    print(f"  {'ok  ' if not answer_problems else 'FAIL'}  non-2xx answers are 429/503 "
          "(409 for a taken slot), localized, no stack trace")
    print(f"  {'ok  ' if delay_ok else 'FAIL'}  visitor mail queued once SMTP was back reaches "
          f"it within {MAIL_DELAY_P99_MAX:.0f} s (p99), the webhook receiver hanging")
    print(f"  {'ok  ' if not connection_problems else 'FAIL'}  connection errors only while "
          f"a restart is in progress, at most {MAX_CONN_ERRORS}, no timeouts")
    for problem in failed:
        say(f"FAILED: {problem}")
    say("all checks passed" if not failed else f"{len(failed)} check(s) failed")
    return not failed
