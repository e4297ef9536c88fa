import { expect, it } from "vitest";
import { encode, hex } from "./encode.ts";

it("sends text as it is, JSON pretty-printed, and bytes from hex or base64", () => {
  expect(encode("text", "hi")).toBe("hi");
  expect(encode("json", '{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
  expect(hex(encode("hex", "01 02 ff") as Uint8Array)).toBe("01 02 ff");
  expect(hex(encode("hex", "0x0a0B") as Uint8Array)).toBe("0a 0b");
  expect(hex(encode("base64", "AQL/") as Uint8Array)).toBe("01 02 ff");
});

it("refuses bad input with a message a person can act on", () => {
  expect(() => encode("json", "{nope")).toThrow();
  expect(() => encode("hex", "0g")).toThrow("Hex needs pairs of hexadecimal digits");
  expect(() => encode("base64", "!!")).toThrow("That is not valid base64");
});
