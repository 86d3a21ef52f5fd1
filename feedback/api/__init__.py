"""DRF views of feedback, one module per part (nps, reviews, exports)."""
