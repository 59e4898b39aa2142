/*
 * Negative control of the rv32 test's QEMU CPU: one atomic (A extension) instruction, which the ESP32-C3
 * (RV32IMC) does not have. Built for rv32imac, it must fault on the restricted CPU ("RISCV fault" from
 * picolibc's trap handler) and never print "amo ran"; on a full rv32 CPU it prints "amo ran 2".
 */
#include <stdio.h>

int main(void) {
  volatile int x = 1;
  int old;
  __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(&x), "r"(1) : "memory");
  (void)old;
  printf("amo ran %d\n", x);
  return 0;
}
