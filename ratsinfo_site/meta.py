"""What a resolution page tells citers and machines: description, citation, JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ratsinfo_site.config import SiteConfig
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.model import LEAD_LENGTH, Resolution
from ratsinfo_site.urls import Urls

DESCRIPTION_LENGTH = 200
assert LEAD_LENGTH > DESCRIPTION_LENGTH  # the record's lead is long enough to cut from


def description(r: Resolution, t: Catalogue) -> str:
    """A short summary for search engines and link previews."""
    text = r.lead
    lead = f"{r.type} {r.reference} ({t.date(r.date)}): {r.title}."
    full = f"{lead} {text}".strip()
    if len(full) <= DESCRIPTION_LENGTH:
        return full
    return full[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + " …"


def citation(r: Resolution, urls: Urls, t: Catalogue, site: SiteConfig) -> Markup:
    """A ready-to-paste citation; the page puts the date of retrieval after it.

    Its address is marked (``data-address``): where the site knows no host, it is a path,
    which the page's script makes whole with the host the reader sees (cite.js).
    """
    address = urls.absolute(urls.of(r)) or urls.href(urls.of(r))
    return Markup(t.messages["citation"]).format(
        body=site.body or site.title or t.messages["site_title"], type=r.type,
        reference=r.reference, date=t.date(r.date), title=r.title,
        url=Markup("<span data-address>{}</span>").format(address))


def json_ld(r: Resolution, urls: Urls, t: Catalogue, site: SiteConfig) -> dict[str, Any] | None:
    """schema.org Legislation for the resolution; None without an absolute address."""
    address = urls.absolute(urls.of(r))
    if address is None:
        return None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": address,
        "url": address,
        "name": r.title,
        "legislationIdentifier": r.reference,
        "legislationType": r.type,
        "legislationDate": r.date.isoformat(),
        "inLanguage": t.language,
        "description": description(r, t),
    }
    if site.body:
        data["legislationJurisdiction"] = site.body
    decided = [c for c in r.consultations if c.outcome == "accepted"]
    if decided:
        data["legislationPassedBy"] = {"@type": "GovernmentOrganization",
                                       "name": decided[-1].committee}
    if r.topics:
        data["keywords"] = list(r.topics)
    if r.withdrawn:
        data["legislationLegalForce"] = "NotInForce"
    if r.aliases:
        data["alternateName"] = [a.reference for a in r.aliases]
    return data


@dataclass(frozen=True)
class SiteMeta:
    """``citation`` and ``json_ld`` with the site's settings bound, for a page's Deferred:
    made when the page is rendered, so the pages of 50,000 resolutions do not hold them
    all at once (JSON-LD and citation were 20 MB of the 10,000's pages). The settings are
    part of every page's digest already; a Deferred's digest is its name and ``r``'s."""

    urls: Urls
    t: Catalogue
    site: SiteConfig

    def citation(self, r: Resolution) -> Markup:
        return citation(r, self.urls, self.t, self.site)

    def json_ld(self, r: Resolution) -> dict[str, Any] | None:
        return json_ld(r, self.urls, self.t, self.site)
