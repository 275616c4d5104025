"""What a run's images are and who is relevant to whom: dataset kinds and readers,
downloads, the manifest, ground truth, views and degradation. No torch: the
workflow imports part of it to build its DAG."""
