"""What a reader sees: figures and their catalogue, one style, the front page,
stage costs, the notebook index."""
