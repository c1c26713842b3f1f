import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromMinorUnits, minorUnitsOfText, toMinorUnits } from '../../src/domain/money.js';
import { isValidText } from '../../src/domain/valid-chars.js';
import { beaconIdOfScan, isBeaconId, isClientSystemVersion, isMerchantBrandId, isVatNumber } from '../../src/domain/ids.js';

describe('money', () => {
  test('converts wire amounts with up to 2 decimals to exact minor units', () => {
    assert.equal(toMinorUnits(12.5), 1250);
    assert.equal(toMinorUnits(0.01), 1);
    assert.equal(toMinorUnits(0.1 + 0.2 > 0.3 ? 0.3 : 0), 30);
    assert.equal(toMinorUnits(19.99), 1999);
    assert.equal(toMinorUnits(1_000_000), 100_000_000);
    assert.equal(toMinorUnits(1_000_000.0), 100_000_000);
  });

  test('refuses zero, negatives, more than 2 decimals, above the maximum and non-numbers', () => {
    for (const bad of [0, -1, 0.001, 12.345, 1_000_000.01, 1e21, Number.NaN, Infinity, '12.5', null, 1e-7]) {
      assert.equal(toMinorUnits(bad), null, String(bad));
    }
  });

  test('reads an amount sent as a plain decimal string exactly like that number (Json.NET did)', () => {
    for (const [text, minor] of [['12.50', 1250], ['12.5', 1250], ['12', 1200], ['0.01', 1], ['007.10', 710], ['1000000.00', 100_000_000], ['19.99', 1999]] as const) {
      assert.equal(minorUnitsOfText(text), minor, text);
    }
  });

  test('refuses a string that is not a plain decimal amount: sign, exponent, spaces, 3 decimals, a comma, out of range', () => {
    for (const bad of ['', ' ', 'abc', '12.505', '1e2', '1E2', '-1', '+12', ' 12', '12 ', '12,50', '12.', '.5', '0', '0.00', '1000000.01', '99999999999999999999999', 'NaN', 'Infinity', '0x10', '١٢']) {
      assert.equal(minorUnitsOfText(bad), null, JSON.stringify(bad));
    }
  });

  test('minor units go back to the same wire number', () => {
    for (const minor of [1, 10, 99, 100, 1250, 1999, 123456789 % 100_000_000, 100_000_000]) {
      assert.equal(toMinorUnits(fromMinorUnits(minor)), minor);
    }
    assert.equal(fromMinorUnits(1250), 12.5);
  });
});

describe('valid characters', () => {
  test('accepts ASCII letters, digits, punctuation, space and the Nordic/Latin set', () => {
    for (const ok of ['ORDER-12345', 'Café Aurora', 'Jægersborggade 1 #2', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', 'æøåÆØÅäöÄÖß£¥©½', 'x'.repeat(36)]) {
      assert.ok(isValidText(ok), ok);
    }
  });

  test('refuses empty, too long, control characters, emoji and other scripts', () => {
    for (const bad of ['', 'x'.repeat(37), 'a\tb', 'a\nb', '\u0000', '😀', 'кафе', '日本', '\u202e', 'Ω']) {
      assert.ok(!isValidText(bad), JSON.stringify(bad));
    }
  });
});

describe('identifiers', () => {
  test("a scan's beacon id: a QR code's mobilepaypos:// payload, or the id itself", () => {
    const guid = 'a7b69d37-6753-4e94-afc3-ef5dab04b7f4';
    assert.equal(beaconIdOfScan(`mobilepaypos://pos?id=${guid}&source=qr`), guid);
    assert.equal(beaconIdOfScan(`MobilePayPOS://pos?source=qr&id=123456789012345`), '123456789012345');
    assert.equal(beaconIdOfScan(`  ${guid} `), guid);
    assert.equal(beaconIdOfScan('mobilepaypos://pos?source=qr'), 'mobilepaypos://pos?source=qr', 'no id: left for the beacon rules to refuse');
    assert.equal(beaconIdOfScan('https://example.com/?id=x'), 'https://example.com/?id=x');
  });

  test('beacon ids are GUIDs or exactly 15 digits', () => {
    assert.ok(isBeaconId('a7b69d37-6753-4e94-afc3-ef5dab04b7f4'));
    assert.ok(isBeaconId('A7B69D37-6753-4E94-AFC3-EF5DAB04B7F4'));
    assert.ok(isBeaconId('123456789012345'));
    for (const bad of ['12345678901234', '1234567890123456', 'a7b69d37675349', '']) assert.ok(!isBeaconId(bad), bad);
  });

  test('VAT numbers, brand ids and system versions follow their formats', () => {
    assert.ok(isVatNumber('DK12345678') && isVatNumber('FI90000040'));
    for (const bad of ['dk12345678', 'SE12345678', 'DK1234567', 'DK123456789']) assert.ok(!isVatNumber(bad), bad);
    assert.ok(isMerchantBrandId('POSDK12345') && isMerchantBrandId('MPPOSCERT1') && isMerchantBrandId('POSFIab12C'));
    for (const bad of ['POSSE12345', 'POSDK1234', 'POSDK12345X']) assert.ok(!isMerchantBrandId(bad), bad);
    assert.ok(isClientSystemVersion('1.2.3') && isClientSystemVersion('10.20.300'));
    for (const bad of ['1.2', '1.2.3.4', 'v1.2.3', '1.2.x', '']) assert.ok(!isClientSystemVersion(bad), bad);
  });
});
