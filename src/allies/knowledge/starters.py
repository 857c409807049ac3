"""The starter articles: the spec's practices, shipped in Chinese and English as Markdown files.

Each file in ``starter/`` is ``<key>.<language>.md``: a front matter with ``title`` and
comma-separated ``tags`` between ``---`` lines, then the Markdown body. They are loaded
into every database by the data migration ``0002_starter_articles`` (so a real install
has them, not only the demo), and again, idempotently, by ``allies manage
load_knowledge_starters``: an article whose starter key exists is left as it is (it may
have been edited since), a missing one is created.
"""

from dataclasses import dataclass
from pathlib import Path

from allies.knowledge.indexing import index_article

STARTER_DIR = Path(__file__).resolve().parent / "starter"


@dataclass(frozen=True)
class Starter:
    key: str
    language: str
    title: str
    tags: tuple[str, ...]
    body: str


def parse(path: Path) -> Starter:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = {}
    for line in front.strip().splitlines():
        name, _, value = line.partition(":")
        meta[name.strip()] = value.strip()
    topic, language = path.name.removesuffix(".md").rsplit(".", 1)
    return Starter(key=f"{topic}.{language}", language=language, title=meta["title"],
                   tags=tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip()), body=body.strip() + "\n")


def starters() -> list[Starter]:
    return [parse(p) for p in sorted(STARTER_DIR.glob("*.md"))]


def load_starters(*, Article, Tag, Revision, Posting) -> tuple[int, int]:
    """Create the starter articles that are missing; (created, already there).

    Takes the model classes so the data migration can pass its historical models.
    Starter articles are internal; staff may share them with partners.
    """
    created = existing = 0
    for starter in starters():
        if Article.objects.filter(starter_key=starter.key).exists():
            existing += 1
            continue
        article = Article.objects.create(title=starter.title, body=starter.body, language=starter.language,
                                         visibility="internal", starter_key=starter.key, revision=1)
        tags = []
        for name in starter.tags:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            tags.append(tag)
        article.tags.set(tags)
        Revision.objects.create(article=article, number=1, title=starter.title, body=starter.body,
                                tags=sorted(t.name for t in tags), visibility="internal", shared_with=[],
                                note="starter")
        index_article(article, Posting=Posting)
        created += 1
    return created, existing
