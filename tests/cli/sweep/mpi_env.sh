# Sourced by the MPI sweep tests: mpirun as root (CI), more ranks than cores, loopback only
# (no network traffic beyond lo: TCP byte transfer and the runtime's out-of-band channel).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,tcp OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
# No help messages about missing high-speed networks in a container.
export OMPI_MCA_btl_base_warn_component_unused=0
mpirun_flags="--oversubscribe --mca btl self,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo"
command -v mpirun >/dev/null 2>&1 || { echo "mpirun not found (bash .ci/setup-debian.sh installs openmpi-bin)" >&2; exit 1; }
