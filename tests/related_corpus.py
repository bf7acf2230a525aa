"""A synthetic bilingual (sv + en) corpus with known topic clusters, for related_articles.

Eight clusters in four topics (two clusters per topic, so the topic alone
cannot tell them apart). Tags are noisy or missing, and some articles have a
paragraph that drifts to another cluster. Every article's cluster is known,
so ranking quality can be measured. Used by the tests and by the benchmark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

# cluster: (topic, Swedish words, English words); the first three words are tags.
CLUSTERS = {
    "audit": (
        "quality",
        "revision revisor checklista granskning fynd certifiering certifieringsorgan "
        "stickprov revisionsplan intervju bevis observation",
        "audit auditor checklist review finding certification registrar sample "
        "plan interview evidence observation",
    ),
    "customer": (
        "quality",
        "kund kundnöjdhet klagomål enkät leverans reklamation återkoppling "
        "förväntningar kundtjänst order betyg lojalitet",
        "customer satisfaction complaint survey delivery return feedback "
        "expectations helpdesk order rating loyalty",
    ),
    "waste": (
        "environment",
        "avfall återvinning förpackning deponi sortering kompost plast "
        "farligt container insamling restprodukt kretslopp",
        "waste recycling packaging landfill sorting compost plastic "
        "hazardous container collection residue circularity",
    ),
    "climate": (
        "environment",
        "klimat utsläpp koldioxid bränsle växthusgas transporter "
        "klimatavtryck elförbrukning solceller uppvärmning fossilfri kompensation",
        "climate emissions carbon fuel greenhouse transport "
        "footprint electricity solar heating fossil offsetting",
    ),
    "cyber": (
        "security",
        "lösenord kryptering brandvägg nätfiske säkerhetskopia intrång "
        "sårbarhet uppdatering virus server nätverk autentisering",
        "password encryption firewall phishing backup intrusion "
        "vulnerability patch malware server network authentication",
    ),
    "privacy": (
        "security",
        "personuppgifter samtycke dataskydd registrerad gallring integritet "
        "dataskyddsombud biträdesavtal laglig grund registerutdrag radering tillsyn",
        "personal consent privacy subject retention confidentiality "
        "controller processor lawful basis erasure regulator",
    ),
    "injury": (
        "workplace",
        "olycka skada skyddsutrustning fallskydd tillbud hjälm "
        "skyddsrond maskin ställning truck första hjälpen",
        "accident injury equipment harness incident helmet "
        "inspection machinery scaffold forklift aid first",
    ),
    "wellbeing": (
        "workplace",
        "stress ergonomi sömn friskvård arbetsbelastning återhämtning "
        "sjukfrånvaro motion samtal trivsel balans utbrändhet",
        "stress ergonomics sleep wellness workload recovery "
        "absence exercise conversation morale balance burnout",
    ),
}

TOPIC_NAMES = {
    "quality": {"sv": "Kvalitet", "en": "Quality"},
    "environment": {"sv": "Miljö", "en": "Environment"},
    "security": {"sv": "Informationssäkerhet", "en": "Information security"},
    "workplace": {"sv": "Arbetsmiljö", "en": "Workplace health"},
}

GENERAL = {
    "sv": "företag arbete medarbetare ledning organisation rutin ansvar mål krav standard "
    "system dokument uppföljning planering chef team kostnad tid resultat möte utbildning "
    "beslut åtgärd analys policy underlag projekt verksamhet förslag erfarenhet exempel "
    "kontroll metod område steg faktor nivå del grupp ordning frågor svar vecka månad",
    "en": "company work employees management organisation routine responsibility goal "
    "requirement standard system document followup planning manager team cost time result "
    "meeting training decision action analysis policy basis project business proposal "
    "experience example control method area step factor level part group order questions "
    "answers week month",
}

FILLER = {
    "sv": "och att det som en på är av för med till den har de inte om ett vi så kan "
    "men var när också efter".split(),
    "en": "the and to of a in is that for it as with on be are this by we can not "
    "but when also after".split(),
}

AUTHORS = ["Anna Andersson", "Björn Berg", "Cecilia Carlsson"]
SLUG_STEM = {"sv": "artikel", "en": "article"}


@dataclass(frozen=True)
class CorpusArticle:
    lang: str
    slug: str
    cluster: str
    path: Path


def _words(text: str) -> list[str]:
    return text.split()


def _sentence(rng, pools, length) -> str:
    words = []
    for _ in range(length):
        roll = rng.random()
        pool = pools[0] if roll < 0.3 else pools[1] if roll < 0.75 else pools[2]
        words.append(rng.choice(pool))
    return " ".join(words).capitalize() + "."


def _paragraph(rng, pools, sentences=4) -> str:
    return " ".join(_sentence(rng, pools, rng.randint(8, 14)) for _ in range(sentences))


def write_corpus(
    root: Path, total: int, seed: int = 4, paragraphs: int = 4, *, all_translated: bool = False
) -> list[CorpusArticle]:
    """Write about `total` articles (both languages) under root/articles/<lang>/.

    Nine in ten Swedish articles have an English translation; some English
    articles have no Swedish original (with `all_translated`, every article is
    in both languages). Returns every article with its cluster.
    """
    rng = random.Random(seed)
    names = sorted(CLUSTERS)
    start = datetime(2021, 1, 1, 9, 0)
    written = []
    key = 0
    while len(written) < total:
        key += 1
        cluster = names[key % len(names)]
        roll = rng.random()
        langs = ["sv", "en"] if roll < 0.85 else ["sv"] if roll < 0.93 else ["en"]
        if all_translated:
            langs = ["sv", "en"]
        langs = langs[: total - len(written)]
        date = start + timedelta(hours=7 * key + rng.randint(0, 5))
        has_tags = rng.random() >= 0.15
        noisy_tag = rng.random() < 0.25
        drift = names[rng.randrange(len(names))] if rng.random() < 0.5 else None
        for lang in langs:
            written.append(
                _write_article(
                    rng, root, lang, key, cluster, date, has_tags, noisy_tag, drift, paragraphs
                )
            )
    return written


def _write_article(rng, root, lang, key, cluster, date, has_tags, noisy_tag, drift, paragraphs):
    column = 1 if lang == "sv" else 2
    topic = CLUSTERS[cluster][0]
    own = _words(CLUSTERS[cluster][column])
    general, filler = _words(GENERAL[lang]), FILLER[lang]
    # Numbered, because the site rejects two articles with one title.
    title = " ".join([*rng.sample(own, 2), rng.choice(general), str(key)]).capitalize()
    summary = _sentence(rng, (own, general, filler), 12)
    body = [_paragraph(rng, (own, general, filler)) for _ in range(paragraphs)]
    if drift is not None and drift != cluster:
        other = _words(CLUSTERS[drift][column])
        body[rng.randrange(1, paragraphs)] = _paragraph(rng, (other, general, filler))
    tags = []
    if has_tags:
        tags = rng.sample(own[:3], 2)
        if noisy_tag:
            stranger = CLUSTERS[rng.choice([c for c in CLUSTERS if c != cluster])]
            tags[1] = rng.choice(_words(stranger[column])[:3])
    slug = f"{SLUG_STEM[lang]}-{key:05d}"
    lines = [
        f"Title: {title}",
        f"Slug: {slug}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Lang: {lang}",
        f"Translation_key: k{key:05d}",
        f"Category: {TOPIC_NAMES[topic][lang]}",
        *([f"Tags: {', '.join(tags)}"] if tags else []),
        f"Author: {AUTHORS[key % len(AUTHORS)]}",
        f"Summary: {summary}",
        "",
        "\n\n".join(body),
        "",
    ]
    path = root / "articles" / lang / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return CorpusArticle(lang=lang, slug=slug, cluster=cluster, path=path)
