"""The e-book PDF: built from Markdown with a font that has å, ä and ö."""

import subprocess
import sys

from forms_helpers import EBOOK_SV, ROOT

from forms_service.ebook.pdf import build_pdf, ensure_pdfs


def test_build_pdf_embeds_a_unicode_font(tmp_path):
    source = tmp_path / "sv.md"
    source.write_text(EBOOK_SV, encoding="utf-8")
    pdf = build_pdf(source, tmp_path / "out" / "sv.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf
    # A ToUnicode map makes the text (å, ä, ö included) searchable and copyable.
    assert b"/ToUnicode" in pdf


def test_ensure_pdfs_builds_only_missing_or_stale(tmp_path):
    (tmp_path / "sv.md").write_text(EBOOK_SV, encoding="utf-8")
    assert len(ensure_pdfs(tmp_path, tmp_path / "pdf", ["sv", "en"])) == 1  # en has no source
    assert ensure_pdfs(tmp_path, tmp_path / "pdf", ["sv"]) == []


def test_script_builds_the_real_ebooks(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_ebook_pdf.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True, check=True)
    assert "sv.pdf" in result.stdout and "en.pdf" in result.stdout
    assert (tmp_path / "sv.pdf").read_bytes().startswith(b"%PDF")


def test_script_names_a_missing_source(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_ebook_pdf.py"),
                             "--source", str(tmp_path), "fi"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == f"make_ebook_pdf: {tmp_path / 'fi.md'} does not exist"
