"""HTML views of feedback, one module per part (nps, reviews, stories, dashboard)."""
