"""Tests of placement.synthetic: the sample-city generator and the embedded sample."""
