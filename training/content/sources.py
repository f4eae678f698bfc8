"""Where the curriculum's sources live: primary publishers, mirror copies, and the host list that
`flask content check` prints.

A source is **primary** when its host belongs to the body that issued the document, figure, standard,
programme or award it is cited for: Chinese governments at every level (gov.cn and its subdomains,
gov.hk, gov.sg …), United Nations bodies (UNDRR, IPCC, UNEP, UNFCCC …), IUCN, the World Bank and ADB,
ICLEI, C40, the GHG Protocol and similar issuers. The list is by host, so it says where a page is
published, not whether the page is the right one: the reviewer still checks the document number and date
in the title.

A **mirror** is a copy of someone else's document (a full text reposted on another site, a document
library, a news aggregator). It may be cited only where no primary copy is known, and then it is marked
in the source entry with `mirror: true` (optionally `note: …`). MIRROR_HOSTS lists the hosts we know to
be mirrors or aggregators, so that an unmarked one fails the content tests. Everything else that is
neither primary nor a known mirror (newspapers, consultancies, research institutes) is **secondary**:
allowed, unmarked, but never the only source of a lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

# A host is primary when it equals one of these or ends with "." + one of them.
PRIMARY_HOSTS: tuple[str, ...] = (
    # Governments (China first): central ministries, provinces and cities all publish under gov.cn.
    "gov.cn",
    "gov.hk",
    "gov.mo",
    "gov.sg",
    "english.gov.cn",
    "kk.dk",  # City of Copenhagen
    "rotterdam.nl",  # City of Rotterdam
    "medellin.gov.co",  # City of Medellín
    "ruimtelijkeadaptatie.nl",  # Dutch Delta Programme knowledge portal (national government)
    "giz.de",  # German federal development agency (co-runs the C40 Cities Finance Facility)
    # United Nations system and other intergovernmental bodies.
    "un.org",
    "undrr.org",
    "unisdr.org",
    "ipcc.ch",
    "ipcc-nggip.iges.or.jp",  # IPCC Task Force on National Greenhouse Gas Inventories
    "unep.org",
    "unfccc.int",
    "unccd.int",
    "unhabitat.org",
    "who.int",  # World Health Organization and its regional offices (euro.who.int)
    "ramsar.org",
    "greenclimate.fund",
    "worldbank.org",
    "gfdrr.org",
    "adb.org",
    "ccrif.org",
    # Issuers of standards, programmes and awards the content cites.
    "iucn.org",
    "iclei.org",
    "c40.org",
    "c40cff.org",
    "globalcovenantofmayors.org",
    "ghgprotocol.org",
    "gca.org",  # Global Commission on Adaptation / Global Center on Adaptation
    "icmagroup.org",
    "iso.org",
    "ashden.org",  # the Ashden Awards, for the award and its citation
)

# Hosts known to repost other bodies' documents or news: a source there must say `mirror: true`.
MIRROR_HOSTS: tuple[str, ...] = (
    "smxxzx.com",
    "42bites.com",
    "52ocean.cn",
    "345wk.com",
    "antpedia.com",
    "serviampro.com",
    "lthmkt.com",
    "yuanlin.com",
    "103554s.cn",
    "zhenhongjs.cn",
    "zhjsw.cn",
    "jjtzcn.com",
    "ccyxbj.cn",
    "sgpjbg.com",
    "fdocuments.us",
    "spotidoc.com",
    "docslib.org",
    "scribd.com",
    "studylib.net",
    "cupdf.com",
    "vdocuments.net",
    "vdocuments.mx",
    "slideblast.com",
    "wikisource.org",
    "fx361.com",
    "odncw.com",
    "alisonandcharlie.com",
    "43b.com.cn",
    "tellerreport.com",
    "javascriptjump.com",
    "wholesalecleaningchemicals.com",
    "ecofriendlylivingusa.com",
    "s2969.com",
)


def host_of(url: str) -> str:
    """The host of a link, lower case, without a leading 'www.'."""
    host = (urlparse(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _matches(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_primary(url: str) -> bool:
    return _matches(host_of(url), PRIMARY_HOSTS)


def is_known_mirror(url: str) -> bool:
    return _matches(host_of(url), MIRROR_HOSTS)


def source_kind(url: str, mirror: bool = False) -> str:
    """'primary', 'mirror' (marked, or on a known mirror host) or 'secondary'."""
    if mirror or is_known_mirror(url):
        return "mirror"
    return "primary" if is_primary(url) else "secondary"


@dataclass(frozen=True)
class SourcedItem:
    """One lesson, module, case study or glossary entry and the sources it cites."""

    kind: str  # "module" | "lesson" | "case study" | "glossary"
    path: str  # file, plus "#id" for a glossary entry
    urls: tuple[tuple[str, bool], ...]  # (url, marked as mirror)

    @property
    def has_primary(self) -> bool:
        return any(source_kind(url, mirror) == "primary" for url, mirror in self.urls)

    def hosts(self) -> list[tuple[str, str]]:
        """(host, kind) in citation order, each host once."""
        seen: dict[str, str] = {}
        for url, mirror in self.urls:
            host = host_of(url)
            kind = source_kind(url, mirror)
            if host not in seen or kind == "primary":
                seen[host] = kind
        return list(seen.items())


def sourced_items(curriculum) -> list[SourcedItem]:
    """Every module, lesson, case study and glossary entry of a loaded curriculum with its sources."""
    items: list[SourcedItem] = []
    for module in curriculum.modules:
        items.append(
            SourcedItem(
                "module", f"{module.path}/module.yaml", tuple((s.url, s.mirror) for s in module.sources)
            )
        )
        for lesson in module.lessons:
            items.append(
                SourcedItem(
                    "lesson",
                    f"{module.path}/{lesson.slug}.en.md",
                    tuple((s.url, s.mirror) for s in lesson.sources),
                )
            )
    for study in curriculum.case_studies:
        items.append(
            SourcedItem(
                "case study",
                study.path,
                tuple((s["url"], bool(s.get("mirror"))) for s in study.sources),
            )
        )
    for term in curriculum.glossary:
        urls = ((term.source["url"], bool(term.source.get("mirror"))),) if term.source else ()
        items.append(SourcedItem("glossary", f"library/glossary.yaml#{term.id}", urls))
    return items
