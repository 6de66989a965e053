"""Tests of the run store package, `rnntui.runs`, beside its modules' names."""
