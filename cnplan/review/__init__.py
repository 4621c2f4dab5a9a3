"""Review: a self-contained HTML page per document to check its extracted rows in a browser."""

from cnplan.review.page import check_reasons, checks, review_document, review_html, write_review

__all__ = ["check_reasons", "checks", "review_document", "review_html", "write_review"]
