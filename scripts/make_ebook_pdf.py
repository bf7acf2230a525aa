"""Build the e-book PDFs from content/ebook/<lang>.md into a private folder (not the site).

Usage: python scripts/make_ebook_pdf.py [--source content/ebook] [--out instance/ebook] [lang ...]
The forms service also runs this at startup for any PDF that is missing or out of date.
"""

import argparse
import sys
from pathlib import Path

from forms_service.ebook.pdf import FontMissing, build_pdf

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "content" / "ebook")
    parser.add_argument("--out", type=Path, default=ROOT / "instance" / "ebook")
    parser.add_argument("languages", nargs="*", help="language codes (default: every <lang>.md)")
    args = parser.parse_args(argv)
    sources = ([args.source / f"{code}.md" for code in args.languages]
               or sorted(args.source.glob("*.md")))
    if not sources:
        print(f"make_ebook_pdf: no Markdown files in {args.source}", file=sys.stderr)
        return 1
    for source in sources:
        if not source.is_file():
            print(f"make_ebook_pdf: {source} does not exist", file=sys.stderr)
            return 1
        try:
            target = build_pdf(source, args.out / f"{source.stem}.pdf")
        except FontMissing as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"make_ebook_pdf: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
