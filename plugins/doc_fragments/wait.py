# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Waiting for a container to become ACTIVE or to be gone.  MediaStore has no SDK waiter; the
    # modules poll DescribeContainer once a second.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until the container has reached the requested state before returning.
      - A new container is C(CREATING), without a data endpoint, until MediaStore makes it C(ACTIVE);
        with O(wait=true) the returned container is C(ACTIVE) and has its RV(container.endpoint).
      - A deleted container is C(DELETING) for a while; with O(wait=true) the module returns once it is gone,
        so that a container with the same name can be created straight away.
      - MediaStore accepts policy, tag and access-logging changes only on an C(ACTIVE) container, so the module
        waits for C(ACTIVE) whenever it has such changes to make, whatever the value of O(wait).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait before failing, when waiting.
    type: int
    default: 300
"""
