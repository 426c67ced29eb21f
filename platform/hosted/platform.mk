# Hosted: mote as a Linux process. Portable code keeps its freestanding
# flags; only platform/hosted/*.c sees the C library (HOSTED_CFLAGS).
PLAT_SRCS := $(wildcard platform/hosted/*.c)
PLAT_CFLAGS :=
HOSTED_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iinclude -I. -MMD -MP
$(foreach s,$(PLAT_SRCS),$(eval CFLAGS_$(s) := $(HOSTED_CFLAGS)))
PLAT_LINK := $(CC)
PLAT_LDFLAGS := -pthread
PLAT_DEPS :=
# The app's port (APP_PORT) is served on the host at 127.0.0.1:$(PORT), like a
# QEMU hostfwd; NET=tap:IFNAME puts the IP stack on a TAP device instead.
# HOSTED_IO=epoll|uring picks the I/O back end (boot argument io=; the
# default is io_uring where the host allows it, else epoll).
PLAT_RUN = $(KERNEL) drive=$(DRIVE) hostfwd=$(PORT):$(APP_PORT) $(if $(filter tap:%,$(NET)),tap=$(NET:tap:%=%)) $(BOOT_ARGS) $(if $(HOSTED_IO),io=$(HOSTED_IO))
