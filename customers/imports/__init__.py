"""CSV import of customers with contact persons, in modules re-exported here
(``from customers import imports``): ``reading`` (the file, encodings, the column mapping),
``custom`` (custom-field columns and their typed check), ``checks`` (every row checked into a plan
and a report), ``writing`` (the plan written with COPY),
``jobs`` (the job's steps and its tasks) and ``progress`` (the progress bar's numbers).

The flow: ``import_job_create`` stores the upload and reads its header; ``import_job_map`` saves the
column mapping and queues the dry run; ``import_job_check`` reads every row and writes a report
(line, column, reason) without touching customers; ``import_job_start`` queues the real import;
``import_job_run`` checks again and writes everything in one transaction, or nothing.
Progress goes to the cache (the job row only changes outside the import's transaction).
"""

from customers.imports.checks import *  # noqa: F403 (the names in checks.__all__)
from customers.imports.custom import *  # noqa: F403 (the names in custom.__all__)
from customers.imports.jobs import *  # noqa: F403 (the names in jobs.__all__)
from customers.imports.progress import *  # noqa: F403 (the names in progress.__all__)
from customers.imports.reading import *  # noqa: F403 (the names in reading.__all__)
from customers.imports.writing import *  # noqa: F403 (the names in writing.__all__)
