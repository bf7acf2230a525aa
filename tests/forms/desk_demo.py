"""A believable desk: twelve weeks of leads from real articles, meetings in every stage.

Used by the desk's browser tests and by scripts/desk_screenshots.py (the README's pictures).
"""

import json
import uuid
from datetime import timedelta

from forms_service.booking.models import Booking
from forms_service.db import db
from forms_service.desk.models import FollowUp
from forms_service.models import Lead, utcnow

SITE = "https://www.normkraft.se"
ARTICLES = {
    "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/": (
        "Skillnaden mellan ISO 9000 och ISO 9001", "sv", "iso9001", "iso-9000-vs-iso-9001"),
    "/en/articles/difference-between-iso-9000-and-iso-9001/": (
        "The difference between ISO 9000 and ISO 9001", "en", "iso9001",
        "iso-9000-vs-iso-9001"),
    "/artiklar/iso-14001-miljoledning/": (
        "ISO 14001 – så fungerar ett ledningssystem för miljö", "sv", "iso14001",
        "iso-14001-environmental-management"),
    "/en/articles/iso-14001-environmental-management/": (
        "ISO 14001: how an environmental management system works", "en", "iso14001",
        "iso-14001-environmental-management"),
    "/artiklar/iso-27001-informationssakerhet/": (
        "ISO/IEC 27001 – ledningssystem för informationssäkerhet", "sv", "iso27001",
        "iso-27001-information-security"),
    "/artiklar/vad-kostar-en-iso-certifiering/": (
        "Vad kostar en ISO-certifiering?", "sv", None, "iso-certification-cost"),
}
CAMPAIGNS = [("linkedin", "social", "hosten"), ("google", "cpc", "iso9001-sok"),
             ("nyhetsbrev", "email", "november"), (None, None, None)]
NAMES = ["Åsa Öberg", "Johan Lind", "Maria Ek", "Peter Sandell", "Karin Holm", "Ali Hassan",
         "Eva Strand", "Lars Berg", "Sara Nilsson", "Omar Khalil", "Linnea Dahl", "Erik Vik"]


def write_articles(path):
    """The articles.json the site build would write for ARTICLES."""
    entries = {path: {"title": title, "lang": lang, "standard": standard,
                      "translation_key": key}
               for path, (title, lang, standard, key) in ARTICLES.items()}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "articles": entries}, fh, ensure_ascii=False)


def seed_demo(app, leads=160):
    """Leads over the last twelve weeks and meetings around today; returns a lead's id."""
    write_articles(app.config["DESK_ARTICLES_FILE"])
    now = utcnow().replace(microsecond=0)
    paths = list(ARTICLES) + ["/gamla-artiklar/iso-9001-2015/"]
    with app.app_context():
        for number in range(leads):
            created = now - timedelta(hours=(number * 12.5) + (number % 7) * 3)
            source, medium, campaign = CAMPAIGNS[number % len(CAMPAIGNS)]
            path = paths[(number * 5 + number // 9) % len(paths)]
            query = f"?utm_source={source}&utm_medium={medium}" if source else ""
            db.session.add(Lead(
                email=f"person{number}@example.com", name=NAMES[number % len(NAMES)],
                language="en" if "/en/" in path else "sv", page_url=SITE + path + query,
                referrer="https://www.linkedin.com/" if source == "linkedin" else (
                    "https://www.google.com/" if number % 5 == 0 else None),
                utm_source=source, utm_medium=medium, utm_campaign=campaign,
                created_at=created, last_requested_at=created,
                confirmed_at=created + timedelta(minutes=20) if number % 3 else None,
                bot_signals="too-fast" if number % 41 == 0 else None))
        db.session.flush()
        stages = [None, "held", "won", "lost", "no-show", None]
        for number in range(0, leads // 3, 2):
            lead = db.session.get(Lead, number + 1)
            start = (now + timedelta(days=(number % 15) - 7)).replace(
                hour=8 + number % 7, minute=0, second=0)
            booking = Booking(
                uid=f"{uuid.uuid4()}@normkraft.se", consultant=("anna", "erik")[number // 2 % 2],
                starts_at=start, ends_at=start + timedelta(minutes=45),
                blocked_until=start + timedelta(hours=1),
                status="cancelled" if number % 11 == 0 else "confirmed",
                cancelled_by="visitor" if number % 11 == 0 else None,
                name=lead.name, email=lead.email, company=f"{lead.name.split()[-1]} AB",
                topics="iso9001", message="", language=lead.language,
                consent_text="Jag godkänner", consent_version="2026-11-01",
                page_url=lead.page_url, referrer=lead.referrer, utm_source=lead.utm_source,
                utm_medium=lead.utm_medium, utm_campaign=lead.utm_campaign,
                created_at=lead.created_at + timedelta(hours=2))
            db.session.add(booking)
            db.session.flush()
            outcome = stages[number % len(stages)] if start < now else None
            if outcome and booking.status == "confirmed":
                db.session.add(FollowUp(booking_id=booking.id, status=outcome,
                                        notes="Ringde upp, vill ha offert."))
        db.session.commit()
        return 1
