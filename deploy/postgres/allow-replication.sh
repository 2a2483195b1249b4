#!/bin/bash
# Run once by the postgres image on a fresh data folder: the replica (compose.yaml, --profile replica) may stream.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
