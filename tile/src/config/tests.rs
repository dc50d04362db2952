use super::*;

fn layered(text: &str) -> Result<TileParams, ConfigError> {
    TileConfig::layered(None, text)?.validate()
}

#[test]
fn every_preset_is_valid() {
    for p in PRESETS {
        let params = TileConfig::from_preset(p.name).unwrap().validate().unwrap();
        assert!(params.min_cycles_per_mvm() > 0, "{}", p.name);
    }
}

#[test]
fn default_preset_is_ideal() {
    assert!(TileConfig::default().validate().unwrap().is_ideal());
}

#[test]
fn isaac_has_the_published_shape() {
    let p = TileConfig::from_preset("isaac")
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(
        (p.rows, p.phys_cols, p.adc_count, p.cell_bits),
        (128, 128, 1, 2)
    );
    assert_eq!(
        (p.weight_bits, p.input_bits, p.adc_bits, p.groups),
        (16, 16, 8, 1)
    );
}

#[test]
fn neurram_is_256_by_256() {
    let p = TileConfig::from_preset("neurram")
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!((p.rows, p.phys_cols, p.slices), (256, 256, 1));
}

#[test]
fn derived_sizes_follow_the_spec() {
    let p = layered("[weights]\nbits = 8\ncell_bits = 3\n[array]\nrows = 10\nrows_per_read = 3\ncols = 5\n[adc]\ncount = 7").unwrap();
    assert_eq!(p.slices, 3); // ceil(7/3)
    assert_eq!(p.phys_cols, 30);
    assert_eq!(p.groups, 4);
    assert_eq!(p.phases, 5); // ceil(30/7)
    assert_eq!(p.group_rows(3), 9..10);
}

#[test]
fn out_of_range_values_name_key_value_and_range() {
    let err = layered("[adc]\nbits = 20\n[array]\nrows = 0").unwrap_err();
    assert_eq!(
        err.problems,
        vec![
            "array.rows must be in 1..=4096, not 0",
            "adc.bits must be in 1..=16, not 20"
        ]
    );
}

#[test]
fn inputs_per_transfer_divides_the_rows_per_read() {
    let p = layered("[array]\nrows = 10\n[inputs]\nper_transfer = 4").unwrap();
    assert_eq!((p.input_transfer(), p.input_transfers()), (4, 3));
    assert_eq!(layered("").unwrap().input_transfer(), 1);
    assert!(!layered("")
        .unwrap()
        .config()
        .to_toml()
        .contains("per_transfer"));
    for (toml, problem) in [
        (
            "[inputs]\nper_transfer = 3",
            "inputs.per_transfer must divide array.rows_per_read (4), not 3",
        ),
        (
            "[inputs]\nper_transfer = 0",
            "inputs.per_transfer must be in 1..=4, not 0",
        ),
        (
            "[inputs]\nper_transfer = true",
            "inputs.per_transfer must be an integer, not a boolean",
        ),
    ] {
        let e = TileConfig::layered(None, toml)
            .and_then(|c| c.validate())
            .unwrap_err();
        assert_eq!(e.problems, [problem], "{toml}");
    }
}

#[test]
fn a_raw_tile_returns_whole_signed_accumulators() {
    let p = layered("[output]\nraw = true\nbits = 14").unwrap();
    assert!(p.raw_output());
    let raw = layered("").unwrap().raw_variant().unwrap();
    assert_eq!(
        (raw.raw_output(), raw.output_bits(), raw.output_signed()),
        (true, raw.widths().acc_bits, true)
    );
    assert!(TileConfig::from_preset("isaac")
        .unwrap()
        .validate()
        .unwrap()
        .raw_variant()
        .is_none());
    for (toml, problem) in [
        ("[output]\nraw = true\nbits = 13", "output.raw needs a signed output of at least the accumulator's 14 bits (output.signed = true, output.bits >= 14), not signed 13 bits"),
        ("[output]\nraw = true\nbits = 14\nactivation = \"relu\"", "output.raw needs output.activation = \"none\""),
        ("[output]\nraw = 1", "output.raw must be a boolean, not an integer"),
    ] {
        let e = TileConfig::layered(None, toml)
            .and_then(|c| c.validate())
            .unwrap_err();
        assert_eq!(e.problems, [problem], "{toml}");
    }
}

#[test]
fn adc_latency_defaults_to_ta_and_is_at_least_ta() {
    let p = layered("[adc]\ncycles = 3").unwrap();
    assert_eq!((p.adc_cycles(), p.adc_latency()), (3, 3));
    assert!(
        !p.config().to_toml().contains("latency"),
        "an absent latency stays absent"
    );
    let p = layered("[adc]\ncycles = 3\nlatency = 20").unwrap();
    assert_eq!(p.adc_latency(), 20);
    assert_eq!(
        TileParams::new(&TileConfig::layered(None, &p.config().to_toml()).unwrap()).unwrap(),
        p
    );
    assert_eq!(
        p.min_cycles_per_mvm(),
        layered("[adc]\ncycles = 3").unwrap().min_cycles_per_mvm()
    );
    let err = layered("[adc]\ncycles = 3\nlatency = 2").unwrap_err();
    assert_eq!(err.problems, vec!["adc.latency must be in 3..=256, not 2"]);
    let err = layered("[adc]\nlatency = 1.5").unwrap_err();
    assert!(err.problems[0].contains("adc.latency"), "{err}");
}

#[test]
fn rows_per_read_and_adc_count_are_bounded_by_other_keys() {
    let err = layered("[array]\nrows = 8\nrows_per_read = 9\n[adc]\ncount = 17").unwrap_err();
    assert_eq!(
        err.problems,
        vec![
            "array.rows_per_read must be in 1..=8, not 9",
            "adc.count must be in 1..=16, not 17"
        ]
    );
}

#[test]
fn unknown_keys_and_sections_are_errors() {
    let err = layered("[adc]\nbitz = 3\n[analogue]\nseed = 1").unwrap_err();
    assert_eq!(err.problems.len(), 2);
    assert!(
        err.problems[0].starts_with("unknown key 'adc.bitz'"),
        "{err}"
    );
    assert!(
        err.problems[1].starts_with("unknown section [analogue]"),
        "{err}"
    );
}

#[test]
fn wrong_types_are_errors() {
    let err = layered("[inputs]\nsigned = 1\n[adc]\nbits = \"8\"").unwrap_err();
    assert!(
        err.problems
            .contains(&"inputs.signed must be a boolean, not an integer".into()),
        "{err}"
    );
    assert!(
        err.problems
            .contains(&"adc.bits must be an integer, not a string".into()),
        "{err}"
    );
}

#[test]
fn device_effects_default_to_zero_and_take_their_ranges() {
    let p = layered("").unwrap();
    assert!(!p.has_device_effects());
    let p = layered("[analog]\ndrift = 65536\ndrift_spread = 65536\n[faults]\nstuck_off_ppm = 400000\nstuck_on_ppm = 600000").unwrap();
    assert_eq!(
        (p.drift, p.drift_spread, p.stuck_off_ppm, p.stuck_on_ppm),
        (65536, 65536, 400000, 600000)
    );
    assert!(p.has_device_effects() && !p.is_ideal());
}

#[test]
fn bad_device_effects_name_key_value_and_range() {
    let one = |toml: &str| layered(toml).unwrap_err().problems;
    assert_eq!(
        one("[analog]\ndrift = 70000"),
        vec!["analog.drift must be in 0..=65536, not 70000"]
    );
    assert_eq!(
        one("[analog]\ndrift = -1"),
        vec!["analog.drift must be in 0..=65536, not -1"]
    );
    assert_eq!(
        one("[analog]\ndrift_spread = 65537"),
        vec!["analog.drift_spread must be in 0..=65536, not 65537"]
    );
    assert_eq!(
        one("[faults]\nstuck_off_ppm = 1000001"),
        vec!["faults.stuck_off_ppm must be in 0..=1000000, not 1000001"]
    );
    assert_eq!(
        one("[faults]\nstuck_on_ppm = -5"),
        vec!["faults.stuck_on_ppm must be in 0..=1000000, not -5"]
    );
    // Together more than every cell: the error names stuck_on_ppm.
    assert_eq!(
        one("[faults]\nstuck_off_ppm = 700000\nstuck_on_ppm = 300001"),
        vec!["faults.stuck_on_ppm must be in 0..=300000, not 300001"]
    );
}

#[test]
fn device_effects_must_be_integers() {
    let err =
        layered("[analog]\ndrift = 0.2\nir_drop = 1.0\n[faults]\nstuck_on_ppm = 1e3").unwrap_err();
    for key in ["analog.drift", "analog.ir_drop", "faults.stuck_on_ppm"] {
        assert!(
            err.problems
                .contains(&format!("{key} must be an integer, not a float")),
            "{err}"
        );
    }
}

#[test]
fn ir_drop_is_bounded_by_the_tiles_largest_current() {
    // Default tile: Imax = Rg * ((2^Bc-1)*2^E + Np) = 4 * (3*4 + 0) = 48; Qmax = (2^40-1) div 95.
    let qmax = ((1u64 << 40) - 1) / 95;
    let p = layered(&format!("[analog]\nir_drop = {qmax}")).unwrap();
    assert_eq!(
        (p.current_max(), p.ir_drop_max(), p.ir_drop),
        (48, qmax, qmax)
    );
    let err = layered(&format!("[analog]\nir_drop = {}", qmax + 1)).unwrap_err();
    assert_eq!(
        err.problems,
        vec![format!(
            "analog.ir_drop must be in 0..={qmax}, not {} (Qmax = floor((2^40-1)/(2*Imax-1)) for this tile, Imax = 48)",
            qmax + 1
        )]
    );
    // Programming error raises Imax: 4 * (12 + 100) = 448.
    let p = layered("[analog]\nprogram_error = 100").unwrap();
    assert_eq!(p.ir_drop_max(), ((1u64 << 40) - 1) / 895);
}

#[test]
fn drift_law_follows_the_power_law() {
    let cfg = TileConfig::default();
    let law = cfg.drift_law().unwrap();
    assert_eq!((law.t0, law.nu), (1.0, 0.01));
    assert_eq!(law.drift_at(0.5), 0);
    assert_eq!(law.drift_at(1.0), 0);
    // 1e6 s: 65536 * (1 - (1e6)^-0.01) = 8456.53.
    assert_eq!(law.drift_at(1e6), 8457);
    assert_eq!(DriftLaw::new(60.0, 0.1).unwrap().drift_at(6000.0), 24186); // 65536 * (1 - 100^-0.1) = 24185.58
    let err = layered("[analog]\ndrift_t0 = 0\ndrift_nu = 1.5").unwrap_err();
    assert_eq!(
        err.problems,
        vec!["analog.drift_t0 must be a positive number of seconds, not 0"]
    );
    let err = layered("[analog]\ndrift_nu = 1.5").unwrap_err();
    assert_eq!(
        err.problems,
        vec!["analog.drift_nu must be in 0..=1, not 1.5"]
    );
    let err = layered("[analog]\ndrift_nu = \"fast\"").unwrap_err();
    assert_eq!(
        err.problems,
        vec!["analog.drift_nu must be a float, not a string"]
    );
}

#[test]
fn fresh_zeroes_exactly_the_five_device_keys() {
    let aged = TileConfig::layered(Some("neurram"), "[analog]\ndrift = 9\ndrift_spread = 3\nir_drop = 2\n[faults]\nstuck_off_ppm = 5\nstuck_on_ppm = 7").unwrap();
    assert_eq!(aged.fresh(), TileConfig::from_preset("neurram").unwrap());
}

#[test]
fn sweeps_set_the_v2_keys() {
    let cfg = TileConfig::default()
        .with_key("analog.drift", "13107")
        .unwrap()
        .with_key("faults.stuck_on_ppm", "5")
        .unwrap();
    let p = cfg.validate().unwrap();
    assert_eq!((p.drift, p.stuck_on_ppm), (13107, 5));
    let err = TileConfig::default()
        .with_key("analog.drift", "0.2")
        .unwrap_err();
    assert_eq!(
        err.problems,
        vec!["analog.drift must be an integer, not a float"]
    );
}

#[test]
fn a_v1_file_without_the_v2_keys_reads_as_v1() {
    let v1 = "[array]\nrows = 16\ncols = 4\nrows_per_read = 4\n[weights]\nbits = 4\ncell_bits = 2\n[inputs]\nbits = 4\nsigned = true\n\
              [adc]\nbits = 4\ncount = 4\nstep = 4\ncycles = 1\n[analog]\nfine_bits = 2\nread_noise = 0\nprogram_error = 0\nseed = 1\n\
              [output]\nbits = 16\nsigned = true\nactivation = \"none\"\n";
    let cfg: TileConfig = toml::from_str(v1).unwrap();
    assert_eq!(cfg, TileConfig::default());
}

#[test]
fn tech_ranges_and_values_follow_the_struct() {
    let tech = TileConfig::default().tech;
    let mut table = toml::Table::try_from(tech.clone()).unwrap();
    // The one key that is not a number: the cell library, checked by its type.
    assert_eq!(
        table
            .remove("library")
            .and_then(|v| v.as_str().map(String::from)),
        Some("osu018".to_string())
    );
    assert_eq!(table.len(), TECH_RANGES.len());
    for (&(key, _, _), value) in TECH_RANGES.iter().zip(tech.values()) {
        assert_eq!(table[key].as_float(), Some(value), "{key}");
    }
}

#[test]
fn bad_tech_values_name_the_key() {
    let err = layered("[tech]\nclock_mhz = -5.0\nactivity = 2\ng_off_us = 1000.0\ng_on_us = 10.0")
        .unwrap_err();
    assert_eq!(
        err.problems,
        vec![
            "tech.clock_mhz must be in 0.001..=100000, not -5",
            "tech.activity must be in 0..=1, not 2",
            "tech.g_off_us must be below tech.g_on_us (10), not 1000",
        ]
    );
    let err = layered("[tech]\nnode_nm = \"32\"").unwrap_err();
    assert_eq!(
        err.problems,
        vec!["tech.node_nm must be a float, not a string"]
    );
    assert!(layered("[tech]\nnode_nm = nan").is_err());
}

#[test]
fn a_float_key_takes_an_integer() {
    let cfg = TileConfig::layered(None, "[tech]\nclock_mhz = 250").unwrap();
    assert_eq!(cfg.tech.clock_mhz, 250.0);
}

#[test]
fn bad_activation_is_named() {
    let err = layered("[output]\nactivation = \"tanh\"").unwrap_err();
    assert_eq!(
        err.problems,
        vec!["output.activation must be \"none\" or \"relu\", not \"tanh\""]
    );
}

#[test]
fn bad_named_values_name_the_key_and_the_choices() {
    let err = layered("[adc]\nkind = \"foo\"\n[tech]\nlibrary = \"tsmc7\"").unwrap_err();
    assert_eq!(
        err.problems,
        vec![
            "tech.library must be one of \"osu018\", \"nangate45\", not \"tsmc7\"",
            "adc.kind must be one of \"sar\", \"sense_amp\", \"integrating\", not \"foo\"",
        ]
    );
    let err = TileConfig::default()
        .with_key("adc.kind", "flash")
        .unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert!(err.problems[0].starts_with("adc.kind must be one of"));
}

#[test]
fn named_values_read_as_their_names() {
    for (i, name) in AdcKind::NAMES.iter().enumerate() {
        let cfg = TileConfig::default().with_key("adc.kind", name).unwrap();
        assert_eq!(cfg.adc.kind.name(), *name);
        assert_eq!(i == 0, cfg.adc.kind == AdcKind::default());
    }
    for name in CellLibrary::NAMES {
        let cfg = TileConfig::default()
            .with_key("tech.library", name)
            .unwrap();
        assert_eq!(cfg.tech.library.name(), *name);
    }
}

#[test]
fn adc_kind_is_sar_when_absent_and_each_preset_takes_its_designs() {
    let table = toml::Table::try_from(TileConfig::default()).unwrap();
    let mut adc = table["adc"].as_table().unwrap().clone();
    adc.remove("kind");
    let cfg: AdcConfig = adc.try_into().unwrap();
    assert_eq!(cfg.kind, AdcKind::Sar);
    for (preset, kind) in [
        ("default", AdcKind::Sar),
        ("isaac", AdcKind::Sar),
        ("fpga64", AdcKind::Sar),
        ("neurosim", AdcKind::SenseAmp),
        ("neurram", AdcKind::Integrating),
    ] {
        assert_eq!(
            TileConfig::from_preset(preset).unwrap().adc.kind,
            kind,
            "{preset}"
        );
    }
}

#[test]
fn a_file_overrides_a_preset() {
    let cfg = TileConfig::layered(Some("isaac"), "[adc]\ncount = 4").unwrap();
    let p = cfg.validate().unwrap();
    assert_eq!((p.adc_count, p.rows), (4, 128));
}

#[test]
fn unknown_preset_lists_known_ones() {
    let err = TileConfig::from_preset("nope").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown preset 'nope' (known presets: default, isaac, neurram, fpga64, neurosim)"
    );
}

#[test]
fn with_key_sets_one_key_checked_like_a_file() {
    let cfg = TileConfig::default()
        .with_key("adc.bits", "6")
        .unwrap()
        .with_key("output.activation", "relu")
        .unwrap();
    assert_eq!((cfg.adc.bits, cfg.output.activation.as_str()), (6, "relu"));
    let err = TileConfig::default().with_key("adc.bitz", "6").unwrap_err();
    assert!(
        err.problems[0].starts_with("unknown key 'adc.bitz'"),
        "{err}"
    );
    let err = TileConfig::default()
        .with_key("adc.bits", "six")
        .unwrap_err();
    assert_eq!(
        err.problems,
        vec!["adc.bits must be an integer, not a string"]
    );
    assert!(TileConfig::default().with_key("bits", "6").is_err());
}

#[test]
fn config_round_trips_through_toml() {
    let cfg = TileConfig::from_preset("neurram").unwrap();
    assert_eq!(TileConfig::layered(None, &cfg.to_toml()).unwrap(), cfg);
}

#[test]
fn widths_hold_the_extreme_configuration() {
    let cfg = TileConfig::layered(
        None,
        "[array]\nrows = 4096\nrows_per_read = 1\n[weights]\nbits = 16\ncell_bits = 1\n[inputs]\nbits = 16\n[adc]\nbits = 16",
    )
    .unwrap();
    let w = cfg.validate().unwrap().widths();
    assert!(w.acc_bits <= 64, "acc needs {} bits", w.acc_bits);
    assert!(
        w.product_bits <= 80,
        "product needs {} bits",
        w.product_bits
    );
}
