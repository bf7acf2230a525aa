"""JSON-LD for articles, pages, listings and the home pages."""

from __future__ import annotations

import json

from markupsafe import Markup

from plugins.multilingual.languages import current_language

from .urls import absolute, page_url


def _organization(context) -> dict:
    company = context.get("COMPANY", {})
    return {
        "@type": "Organization",
        "@id": absolute(context, "#organization"),
        "name": company.get("name", context.get("SITENAME")),
        "url": absolute(context, ""),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(context, context.get("LOGO_IMAGE", "theme/images/logo.png")),
        },
        "email": company.get("email"),
        "telephone": company.get("phone_e164"),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": company.get("street"),
            "postalCode": company.get("postcode"),
            "addressLocality": company.get("city"),
            "addressCountry": "SE",
        },
    }


def _breadcrumbs(context, trail) -> dict:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": absolute(context, url)}
            for i, (name, url) in enumerate(trail, start=1)
        ],
    }


def _blog_posting(context, article, description, image) -> dict:
    canonical = absolute(context, article.url)
    modified = getattr(article, "modified", None) or article.date
    posting = {
        "@type": "BlogPosting",
        "headline": Markup(article.title).striptags(),
        "description": description,
        "datePublished": article.date.isoformat(),
        "dateModified": modified.isoformat(),
        "inLanguage": article.lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "image": image,
        "publisher": _organization(context),
    }
    if getattr(article, "author", None):
        posting["author"] = {
            "@type": "Person",
            "name": article.author.name,
            "url": absolute(context, article.author.url),
        }
    return posting


def json_ld(context, description: str, image: str, home_title: str, crumb: str = "") -> Markup:
    """Return the page's JSON-LD as a safe <script> body.

    `crumb` names a listing that has no object of its own (all articles, all
    topics): it becomes the last step of its breadcrumb trail.
    """
    url = page_url(context)
    if url is None:
        return Markup("")
    language = current_language(context)
    home = (home_title, language.home_url)
    graph = []
    article, page = context.get("article"), context.get("page")
    if article is not None:
        graph.append(_blog_posting(context, article, description, image))
        trail = [home]
        if article.category:
            trail.append((article.category.name, article.category.url))
        trail.append((Markup(article.title).striptags(), article.url))
        graph.append(_breadcrumbs(context, trail))
    elif page is not None:
        graph.append(_breadcrumbs(context, [home, (Markup(page.title).striptags(), page.url)]))
    elif context.get("category") is not None:
        topic = context["category"]
        graph.append(_breadcrumbs(context, [home, (topic.name, topic.url)]))
    elif context.get("author") is not None:
        author = context["author"]
        graph.append(_breadcrumbs(context, [home, (author.name, author.url)]))
    elif crumb:
        graph.append(_breadcrumbs(context, [home, (crumb, url)]))
    else:
        graph.append(_organization(context))
        graph.append(
            {
                "@type": "WebSite",
                "name": context.get("SITENAME"),
                "url": absolute(context, language.home_url),
                "inLanguage": language.code,
                "publisher": {"@id": absolute(context, "#organization")},
            }
        )
    data = {"@context": "https://schema.org", "@graph": graph}
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    # "</" would end the <script> element early; JSON allows the escaped form.
    return Markup(text.replace("</", "<\\/"))
