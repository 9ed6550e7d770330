"""Store: index folders on disk — built, written atomically, verified and opened; never a half-written index.

- ``artifacts``: version folders beside a ``CURRENT`` pointer, manifests with checksums, verified reads
  (``write_index``, ``resolve_version``, ``read_manifest``, ``verify_files``, ``load_array``,
  ``load_document``, ``file_sha256``, ``atomic_text_file``, ``is_disk_full``, ``disk_full_error``).
- ``locking``: one writer per model dir, the others wait or fail (``index_lock``).
- ``index_io``: a fitted ``Recommender`` to and from an index folder (``save_index``, ``load_index``), with the
  query-time tables built at index time so that loading does not rebuild them.
- ``build``: a catalog and a vocabulary → an index (``build_index``, ``IndexOptions``, ``IndexSummary``,
  ``build_default_index``).
- ``live``: ``open_index``, the one way to open an index (the default one built when missing or stale;
  a load retried across a swap), used by the library, the CLI, the service and the Dask workers.
"""
