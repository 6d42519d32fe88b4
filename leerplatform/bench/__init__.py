"""The benchmark: a large data set (``flask bench seed``) and, only with ``LEERPLATFORM_BENCH``
on, a minimal page to compare with and a count of the SQL statements of every response."""
