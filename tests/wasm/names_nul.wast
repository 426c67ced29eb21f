;; Names are bytes with a length (issue 14): export, import and register
;; names may hold U+0000. A runtime or runner that treats them as C
;; strings calls the wrong export ("a\00b" as "a") or none at all ("\00..."
;; as ""). Run by `make wasm-test` with the spec scripts.
(module $m
  (func (export "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f") (result i32) (i32.const 16))
  (func (export "\00") (result i32) (i32.const 1))
  (func (export "") (result i32) (i32.const 0))
  (func (export "a") (result i32) (i32.const 10))
  (func (export "a\00") (result i32) (i32.const 11))
  (func (export "a\00b") (result i32) (i32.const 12))
  (func (export "a\00c") (param i32) (result i32) (i32.add (local.get 0) (i32.const 13)))
  (global (export "\00g") i32 (i32.const 42))
  (global (export "g\00") i32 (i32.const 43))
)
(assert_return (invoke "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f") (i32.const 16))
(assert_return (invoke "\00") (i32.const 1))
(assert_return (invoke "") (i32.const 0))
(assert_return (invoke "a") (i32.const 10))
(assert_return (invoke "a\00") (i32.const 11))
(assert_return (invoke "a\00b") (i32.const 12))
(assert_return (invoke "a\00c" (i32.const 1)) (i32.const 14))
(assert_return (get "\00g") (i32.const 42))
(assert_return (get "g\00") (i32.const 43))

;; A module registered under a name with NULs, and imports through it:
;; "\00m" must not match "" or "\00m\00", and "a\00b" must not link as "a".
(register "\00m" $m)
(module $user
  (import "\00m" "a\00b" (func $f (result i32)))
  (import "\00m" "\00" (func $z (result i32)))
  (import "\00m" "\00g" (global $g i32))
  (func (export "sum") (result i32)
    (i32.add (i32.add (call $f) (call $z)) (global.get $g)))
)
(assert_return (invoke $user "sum") (i32.const 55))
(assert_unlinkable
  (module (import "\00m" "a\00d" (func (result i32))))
  "unknown import")
(assert_unlinkable
  (module (import "" "a\00b" (func (result i32))))
  "unknown import")
(assert_unlinkable
  (module (import "\00m\00" "a" (func (result i32))))
  "unknown import")
