# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # How every module and the lookup retry a request; the one retry policy is in module_utils/_service.py.
    DOCUMENTATION = r"""
options:
  retry_budget:
    description:
      - The most seconds one request may take, all its attempts and the waits between them together, before the
        task gives up on it.
      - Throttling (C(ThrottlingException)), server errors (HTTP 5xx) and transport faults (a connection that is
        refused, closed or reset, a timeout, a response that breaks off) are retried until the request succeeds or
        the budget is spent; the error then names the operation, the container, the object path and how many
        attempts were made. Other errors fail at once.
      - Every request is retried the same way. Writes are retried only because they are safe to repeat
        (C(PutObject) sends the same bytes again from the start, and the C(ContentSHA256) the service returns is
        still checked; deletions, tags, access logging and policies end in the same state however often they
        run). When the answer to a C(CreateContainer), C(DeleteContainer) or C(DeleteObject) is lost and a retry
        finds the work already done, the task counts it as its own change.
      - botocore's own retries are turned off, so that the two do not multiply. Retries set in the botocore
        configuration of a module (its C(aws_config) option) still apply; they run inside each attempt and their
        time counts toward this budget.
      - V(0) makes one attempt only.
    type: float
    default: 120
  retry_delay:
    description:
      - About how many seconds to wait before the first retry of a request. Each later wait is about twice the
        one before, at most 20 seconds. Each wait is drawn at random between half and all of that, so that
        requests throttled together do not all come back at the same moment.
      - Must be more than 0.
    type: float
    default: 0.5
"""
