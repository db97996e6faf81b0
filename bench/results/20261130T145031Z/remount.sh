#!/usr/bin/env bash
# Written by bench/run.sh --cold, run by hyperfine before every cold run. Unmounting the
# read-only ext4 image evicts its dentries and inodes, and the last close of the loop device
# drops its block cache; direct I/O keeps the image file out of the page cache.
set -e
t0=$(date +%s%N)
umount /work/main/bench/data/cold-mnt
t1=$(date +%s%N)
mount -t ext4 -o ro /dev/loop0 /work/main/bench/data/cold-mnt
t2=$(date +%s%N)
printf '%s\t%s\t%s\n' $(((t1 - t0) / 1000)) $(((t2 - t1) / 1000)) "${1:-after a run}" >>/work/main/bench/results/20261130T145031Z/remount-us.tsv
cat /sys/block/loop0/stat >/work/main/bench/results/20261130T145031Z/.loopstat
