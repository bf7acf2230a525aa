"""Turn the e-book's Markdown source (content/ebook/<lang>.md) into a PDF with fpdf2."""

import logging
from pathlib import Path

import markdown
from fpdf import FPDF

log = logging.getLogger(__name__)

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian's fonts-dejavu-core
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
]
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf",
              "I": "DejaVuSans-Oblique.ttf", "BI": "DejaVuSans-BoldOblique.ttf"}


class FontMissing(RuntimeError):
    pass


def find_font_dir():
    """Return a folder holding the DejaVu Sans fonts (they cover å, ä, ö and more)."""
    for folder in FONT_DIRS:
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise FontMissing("ebook_pdf: DejaVu Sans not found in " + ", ".join(map(str, FONT_DIRS))
                      + "; install Debian's fonts-dejavu-core")


def _title(text):
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return "Normkraft"


def build_pdf(source, target):
    """Write target (a PDF) from the Markdown file source."""
    text = Path(source).read_text(encoding="utf-8")
    # Drop a Pelican-style metadata block ("Key: value" lines before the first blank line).
    lines = text.splitlines()
    if lines and ":" in lines[0] and not lines[0].startswith("#"):
        while lines and lines[0].strip():
            lines.pop(0)
        text = "\n".join(lines)
    html = markdown.markdown(text, extensions=["markdown.extensions.extra"],
                             output_format="html")
    fonts = find_font_dir()
    pdf = FPDF(format="A4")
    pdf.set_title(_title(text))
    pdf.set_author("Normkraft Konsult AB")
    pdf.set_creator("scripts/make_ebook_pdf.py")
    for style, name in FONT_FILES.items():
        pdf.add_font("DejaVu", style, str(fonts / name))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    pdf.write_html(html, font_family="DejaVu", ul_bullet_char="\u2022",
                   li_prefix_color=(0, 0, 0))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".pdf.part")
    pdf.output(str(partial))
    partial.replace(target)  # Readers never see a half-written file.
    return target


def ensure_pdfs(source_dir, target_dir, languages):
    """Build <lang>.pdf for each language whose PDF is missing or older than its source."""
    built = []
    for language in languages:
        source = Path(source_dir) / f"{language}.md"
        target = Path(target_dir) / f"{language}.pdf"
        if not source.is_file():
            log.warning("ebook_pdf: no source text %s; the %s e-book is unavailable",
                        source, language)
            continue
        if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        build_pdf(source, target)
        log.info("ebook_pdf: wrote %s", target)
        built.append(target)
    return built
