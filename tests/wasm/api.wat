;; Module for api_test.c: fuel, resumption, limits, host calls.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "mem") 1 4)
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func $rec (export "rec") (param i32) (result i32)
    (call $rec (i32.add (local.get 0) (i32.const 1))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "calladd") (result i32) (call $add (i32.const 2) (i32.const 3)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "\00\01\02") (result i32) (i32.const 7))
  (func (export "\00") (result i32) (i32.const 8))
)
