"""The fault drill (`make drill`): production set-up on loopback, under load and faults.

Two gunicorn instances (deploy/gunicorn.conf.py), two `flask outbox run` workers, a fresh
database on this machine's PostgreSQL, Redis for the shared rate limits and a counting SMTP
server (aiosmtpd, in this process). While signups and bookings arrive, the drill takes SMTP
down, freezes PostgreSQL (a proxy in front of it stops forwarding: the server itself is not
touched), SIGKILLs a worker in the middle of a send, makes SMTP hang (accept, never answer),
restarts PostgreSQL and restarts one gunicorn instance; the webhook receiver hangs for the
whole run. Then it checks that nothing was lost or doubled, that no answer was a 500, and
how long the visitor's mail took from queued to accepted by SMTP; and prints a table.

Sizes: DRILL_SIGNUPS (20000), DRILL_BOOKINGS (500), DRILL_SECONDS (load duration, 150),
DRILL_SMTP_DOWN (30), DRILL_PG_FREEZE (20), DRILL_SMTP_HANG (20), DRILL_THREADS (24),
DRILL_DRAIN_SECONDS (300), DRILL_MAX_CONN_ERRORS (requests allowed to lose their connection
during the restarts; DRILL_THREADS), DRILL_RESTART_POSTGRES (1; 0 leaves the machine's
PostgreSQL server alone, e.g. when others use it). Exit status 1 when a check fails. Not part
of `make test`: it restarts the machine's PostgreSQL server unless DRILL_RESTART_POSTGRES=0.

The package: settings (the DRILL_* sizes), services (database, gunicorn, workers), smtp (the
counting SMTP server and a hung webhook receiver), load (the visitors), faults, checks (the
verdict) and report (the printed table); __main__ runs them in order.
"""
