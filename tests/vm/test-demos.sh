#!/bin/sh
# test-demos.sh - every teaching demo asserts what it narrates.  Runs
# `ptscope-demo --check all`, which prints PASS/FAIL/SKIP lines per fact,
# each checked against the kernel's own views (pagemap, smaps, status,
# stat, maps), never against ptscope alone.
ptscope-demo --check all
