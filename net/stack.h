/* net: bringing the stack up.
 *
 * net_stack_init() is the KINIT hook. If frame device 0 exists it takes the
 * KOP_CLASS_UDP, KOP_CLASS_TCP and KOP_CLASS_DNS services, arms the device and configures
 * the interface (ip= boot argument, else DHCP). Without a frame device
 * (hosted without tap=) it leaves UDP and TCP to the platform and only serves DNS
 * over it, when dns= is given.
 */
#ifndef NET_STACK_H
#define NET_STACK_H

void net_stack_init(void);

#endif
