# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # How a plugin that reads or writes objects finds the container's data endpoint.
    DOCUMENTATION = r"""
options:
  container:
    description:
      - Name of the container that holds the objects.
      - The data endpoint is looked up with C(DescribeContainer) on the control plane (O(endpoint_url) when set);
        a container that is still C(CREATING) is waited for.
      - Exactly one of O(container) and O(endpoint) is required.
    type: str
  endpoint:
    description:
      - The container's data endpoint URL, for example V(https://aaabbbcccdddee.data.mediastore.us-west-2.amazonaws.com),
        as C(DescribeContainer) reports it in C(Endpoint).
      - Use it for MediaStore-compatible services that have only a data plane, or to skip the
        C(DescribeContainer) call. The control plane is not called at all.
      - Exactly one of O(container) and O(endpoint) is required.
    type: str
"""
