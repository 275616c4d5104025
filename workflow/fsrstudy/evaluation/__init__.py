"""Measurements that return tables: AP and ranks (scoring.py), retrieval,
large scale, low bit-rate, the focal ablation, the seed spread, distances,
verdicts."""
