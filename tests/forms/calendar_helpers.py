"""Helpers for the calendar tests: fixture calendars with every trap, a feed server, Radicale."""

import base64
import http.client
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
from site_helpers import free_port, port_open

# The booking clock of each season: six weeks ahead cover both daylight-saving changes of
# 2026 in Stockholm (29 March and 25 October).
SPRING_NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
AUTUMN_NOW = datetime(2026, 10, 16, 12, 0, tzinfo=UTC)
ALL = ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00"]

# Alva works Mon-Fri 09-12 and 13-16: slots at 09, 10, 11, 13, 14 and 15, each needing
# 45 minutes plus a 15 minute buffer free. Each event is a trap named in issue 17.
SPRING_EVENTS = """
BEGIN:VEVENT
UID:timed-stockholm
SUMMARY:Client meeting, Stockholm time
DTSTART;TZID=Europe/Stockholm:20260323T100000
DTEND;TZID=Europe/Stockholm:20260323T110000
END:VEVENT
BEGIN:VEVENT
UID:weekly-monday
SUMMARY:Weekly Monday, with EXDATE, RDATE and a moved occurrence
DTSTART;TZID=Europe/Stockholm:20260323T110000
DTEND;TZID=Europe/Stockholm:20260323T114500
RRULE:FREQ=WEEKLY;UNTIL=20260426T000000Z
EXDATE;TZID=Europe/Stockholm:20260413T110000
RDATE;TZID=Europe/Stockholm:20260402T110000
END:VEVENT
BEGIN:VEVENT
UID:weekly-monday
SUMMARY:Weekly Monday, moved to the afternoon
RECURRENCE-ID;TZID=Europe/Stockholm:20260420T110000
DTSTART;TZID=Europe/Stockholm:20260420T150000
DTEND;TZID=Europe/Stockholm:20260420T154500
END:VEVENT
BEGIN:VEVENT
UID:timed-new-york
SUMMARY:Call at 09:00 New York (EDT since 8 March): 14:00 in Stockholm (CET)
DTSTART;TZID=America/New_York:20260324T090000
DTEND;TZID=America/New_York:20260324T100000
END:VEVENT
BEGIN:VEVENT
UID:weekly-tuesday
SUMMARY:Weekly Tuesday, one occurrence cancelled
DTSTART;TZID=Europe/Stockholm:20260407T090000
DTEND;TZID=Europe/Stockholm:20260407T093000
RRULE:FREQ=WEEKLY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:weekly-tuesday
SUMMARY:Weekly Tuesday, cancelled this week
RECURRENCE-ID;TZID=Europe/Stockholm:20260414T090000
DTSTART;TZID=Europe/Stockholm:20260414T090000
DTEND;TZID=Europe/Stockholm:20260414T093000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:utc
SUMMARY:In UTC: 09:30 in Stockholm
DTSTART:20260325T083000Z
DTEND:20260325T084000Z
END:VEVENT
BEGIN:VEVENT
UID:weekly-new-york
SUMMARY:10:00 New York: 15:00 in Stockholm until 29 March, then 16:00
DTSTART;TZID=America/New_York:20260311T100000
DTEND;TZID=America/New_York:20260311T103000
RRULE:FREQ=WEEKLY;COUNT=10
END:VEVENT
BEGIN:VEVENT
UID:floating
SUMMARY:Floating time: 13:00 wherever the consultant is
DTSTART:20260326T130000
DTEND:20260326T133000
END:VEVENT
BEGIN:VEVENT
UID:all-day
SUMMARY:Conference, all day
DTSTART;VALUE=DATE:20260327
DTEND;VALUE=DATE:20260328
END:VEVENT
BEGIN:VEVENT
UID:two-days
SUMMARY:Two days away
DTSTART;VALUE=DATE:20260331
DTEND;VALUE=DATE:20260402
END:VEVENT
BEGIN:VEVENT
UID:transparent
SUMMARY:Free time (transparent)
DTSTART;TZID=Europe/Stockholm:20260330T090000
DTEND;TZID=Europe/Stockholm:20260330T100000
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:cancelled
SUMMARY:Cancelled meeting
DTSTART;TZID=Europe/Stockholm:20260330T130000
DTEND;TZID=Europe/Stockholm:20260330T140000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:in-the-buffer
SUMMARY:Ten minutes in the 10:00 meeting's buffer
DTSTART;TZID=Europe/Stockholm:20260402T105000
DTEND;TZID=Europe/Stockholm:20260402T110000
END:VEVENT
"""

SPRING_SLOTS = {
    "2026-03-23": ["09:00", "13:00", "14:00", "15:00"],
    "2026-03-24": ["09:00", "10:00", "11:00", "13:00", "15:00"],
    "2026-03-25": ["10:00", "11:00", "13:00", "14:00"],
    "2026-03-26": ["09:00", "10:00", "11:00", "14:00", "15:00"],
    # 27 March all day, 31 March and 1 April away, 3 and 6 April Easter: no slots.
    "2026-03-30": ["09:00", "10:00", "13:00", "14:00", "15:00"],
    "2026-04-02": ["09:00", "13:00", "14:00", "15:00"],
    "2026-04-07": ["10:00", "11:00", "13:00", "14:00", "15:00"],
    "2026-04-08": ALL, "2026-04-09": ALL, "2026-04-10": ALL,
    "2026-04-13": ALL,  # EXDATE
    "2026-04-14": ALL,  # the cancelled occurrence
    "2026-04-15": ALL, "2026-04-16": ALL, "2026-04-17": ALL,
    "2026-04-20": ["09:00", "10:00", "11:00", "13:00", "14:00"],  # moved to 15:00
    "2026-04-21": ["10:00", "11:00", "13:00", "14:00", "15:00"],
}

AUTUMN_EVENTS = """
BEGIN:VEVENT
UID:weekly-monday-autumn
SUMMARY:Weekly Monday 10:00 Stockholm, before and after the change
DTSTART;TZID=Europe/Stockholm:20261019T100000
DTEND;TZID=Europe/Stockholm:20261019T104500
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
BEGIN:VEVENT
UID:weekly-new-york-autumn
SUMMARY:09:00 New York: 15:00, then 14:00 (25 Oct - 1 Nov), then 15:00 in Stockholm
DTSTART;TZID=America/New_York:20261020T090000
DTEND;TZID=America/New_York:20261020T093000
RRULE:FREQ=WEEKLY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:utc-autumn
DTSTART:20261021T123000Z
DTEND:20261021T124500Z
END:VEVENT
BEGIN:VEVENT
UID:floating-autumn
DTSTART:20261028T090000
DTEND:20261028T094500
END:VEVENT
BEGIN:VEVENT
UID:two-days-autumn
DTSTART;VALUE=DATE:20261029
DTEND;VALUE=DATE:20261031
END:VEVENT
"""

AUTUMN_SLOTS = {
    "2026-10-19": ["09:00", "11:00", "13:00", "14:00", "15:00"],
    "2026-10-20": ["09:00", "10:00", "11:00", "13:00", "14:00"],
    "2026-10-21": ["09:00", "10:00", "11:00", "13:00", "15:00"],
    "2026-10-22": ALL, "2026-10-23": ALL,
    "2026-10-26": ["09:00", "11:00", "13:00", "14:00", "15:00"],
    "2026-10-27": ["09:00", "10:00", "11:00", "13:00", "15:00"],
    "2026-10-28": ["10:00", "11:00", "13:00", "14:00", "15:00"],
    "2026-11-02": ALL,
    "2026-11-03": ["09:00", "10:00", "11:00", "13:00", "14:00"],
    "2026-11-04": ALL, "2026-11-05": ALL, "2026-11-06": ALL,
}


def calendar(events=""):
    """A VCALENDAR holding events, with the VTIMEZONEs its TZIDs need, as bytes."""
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Normkraft tests//EN\n"
    for line in events.strip().splitlines():
        text += line + "\n"
        if line == "BEGIN:VEVENT":
            text += "DTSTAMP:20260101T000000Z\n"
    parsed = icalendar.Calendar.from_ical(text + "END:VCALENDAR\n")
    parsed.add_missing_timezones()
    return parsed.to_ical()


def event(uid, start, end, zone="Europe/Stockholm"):
    """One timed VEVENT, local times given as YYYYMMDDTHHMMSS."""
    return (f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;TZID={zone}:{start}\n"
            f"DTEND;TZID={zone}:{end}\nEND:VEVENT\n")


class FeedServer:
    """iCalendar feeds over HTTP: path -> (status, body); counts the requests per path."""

    def __init__(self):
        self.feeds, self.hits = {}, {}
        self.delay = 0.0  # seconds before each answer
        feeds, hits, owner = self.feeds, self.hits, self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hits[self.path] = hits.get(self.path, 0) + 1
                time.sleep(owner.delay)
                status, body = feeds.get(self.path, (404, b"not here"))
                self.send_response(status)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SilentServer:
    """A socket that accepts connections and never answers: a server that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)  # the kernel completes the handshakes; nobody reads
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self):
        self.sock.close()


RADICALE_USER, RADICALE_PASSWORD = "anna", "hemligt-lösen"


class Radicale:
    """Radicale on a free port with a temporary storage folder and one htpasswd user."""

    def __init__(self, folder):
        self.port = free_port()
        users = folder / "users"
        users.write_text(f"{RADICALE_USER}:{RADICALE_PASSWORD}\n", encoding="utf-8")
        config = folder / "radicale.conf"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\ndelay = 0\n"
            f"[storage]\nfilesystem_folder = {folder / 'storage'}\n"
            "[logging]\nlevel = warning\n", encoding="utf-8")
        self.log = (folder / "radicale.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Radicale did not start: " + (folder / "radicale.log")
                                   .read_text(errors="replace"))
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{self.port}"
        self.request("MKCOL", f"/{RADICALE_USER}/")

    def request(self, method, path, body=None, password=RADICALE_PASSWORD):
        auth = base64.b64encode(f"{RADICALE_USER}:{password}".encode()).decode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers={
                "Authorization": "Basic " + auth, "Content-Type": "text/calendar"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def put_calendar(self, name, data):
        """Create (or replace) the calendar /anna/<name>/ with data; its URL."""
        status = self.request("PUT", f"/{RADICALE_USER}/{name}/", data)
        assert status in (201, 204), status
        return f"{self.url}/{RADICALE_USER}/{name}/"

    def put_event(self, calendar_name, uid, data):
        status = self.request("PUT", f"/{RADICALE_USER}/{calendar_name}/{uid}.ics", data)
        assert status in (201, 204), status

    def close(self):
        self.process.terminate()
        self.process.wait(10)
        self.log.close()
