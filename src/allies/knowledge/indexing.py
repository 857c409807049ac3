"""Writing an article's search index rows (used by the services and by the starter-article migration).

The functions take the model classes as arguments so that a data migration can call them
with its historical models.
"""

from allies.knowledge import markdown
from allies.knowledge.search import document_terms, forget_frequencies, term_weight


def index_article(article, *, Posting) -> None:
    """Refresh the article's plain text, length and postings (call inside the save's transaction)."""
    text = markdown.plain_text(article.body)
    counts, length = document_terms(article.title, text)
    article.search_text = text
    article.search_length = length
    type(article).objects.filter(pk=article.pk).update(search_text=text, search_length=length)
    old = set(Posting.objects.filter(article_id=article.pk).values_list("token", flat=True))
    Posting.objects.filter(article_id=article.pk).delete()
    Posting.objects.bulk_create(
        [Posting(article_id=article.pk, token=token, tf=tf, weight=term_weight(tf, length))
         for token, tf in counts.items()],
        batch_size=500)
    forget_frequencies(old | set(counts))
