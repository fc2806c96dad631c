"""Tests of machined."""
