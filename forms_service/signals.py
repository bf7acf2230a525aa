"""Signals between features, so one can act on another's rows without importing it."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the transaction that inserted a lead with Core (the ORM's flush events do not
# see it), as lead_created.send(app, connection=..., lead={column: value, ..., "id": ...}).
lead_created = _signals.signal("lead-created")
