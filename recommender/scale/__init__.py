"""Scale-out: millions of postings scored in partitions, in one process or on a Dask cluster, resumably.

- ``plan``: inputs (files, folders, globs; CSV, JSONL, Parquet) → counted, hashed files and row-range
  partitions (``resolve_inputs``, ``describe_inputs``, ``plan_partitions``, ``InputFile``, ``Partition``).
- ``output``: compact answers, the nested Parquet schema, atomic partition files (``compact_row``,
  ``SCHEMA``, ``partition_schema``, ``write_partition``).
- ``partition``: one partition scored — ``score_partition`` (DataFrame in, DataFrame out, for any
  engine), ``run_partition`` (a Dask task), ``worker_model`` (an index loaded once per process).
- ``manifest``: ``_manifest.json`` — inputs, index, settings, per-partition status and checksums
  (``new_manifest``, ``read_manifest``, ``write_manifest``, ``verified_done``, ``totals``).
- ``cluster``: a local or existing Dask cluster, workers checked for the index, joblib on Dask
  (``open_client``, ``check_workers``, ``dashboard_link``, ``joblib_on_dask``).
- ``run``: a whole run into a folder, resumable (``score_to_folder``, ``RunOptions``).
"""
