"""Paxion evaluation: ActionBench, retrieval and QA tasks, reference tables, the synthetic action world, table
reproduction and reports."""

__version__ = "0.1.0"
