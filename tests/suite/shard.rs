//! Job arrays without MPI: shards of any space, one result file each, and a
//! merge that checks every shard is there exactly once.

use crate::common;

use common::mpr::*;
use dataspace::prelude::*;
use dataspace::shard::{ShardError, merge_shards, shard_path, write_shard};

fn stem(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("dataspace-shards-{}-{name}", std::process::id()))
}

#[test]
fn shards_merged_equal_the_whole_run() {
    let space = w1_space(10_007, 3, 100);
    let whole = Executor::parallel()
        .run::<64, _, _, _>(&space, w1_kernel::<64>)
        .unwrap();
    for count in [1, 3, 7, 200] {
        let stem = stem(&format!("whole-{count}"));
        // Each "job" runs its shard alone, in any order.
        let mut paths: Vec<_> = (0..count)
            .rev()
            .map(|i| {
                let shard = space.shard(i, count).unwrap();
                let out = Executor::sequential()
                    .run::<64, _, _, _>(&shard, w1_kernel::<64>)
                    .unwrap();
                write_shard(&stem, i, count, &out).unwrap()
            })
            .collect();
        paths.reverse();
        let merged: Vec<f32> = merge_shards(&paths, space.len(), 64).unwrap();
        assert_eq!(merged, whole, "{count} shards");
        for path in paths {
            std::fs::remove_file(path).unwrap();
        }
    }
}

#[test]
fn a_missing_or_duplicated_shard_is_an_error() {
    let space = w1_space(500, 3, 10);
    let stem = stem("errors");
    let paths: Vec<_> = (0..4)
        .map(|i| {
            let out = Executor::sequential()
                .run::<8, _, _, _>(&space.shard(i, 4).unwrap(), w1_kernel::<8>)
                .unwrap();
            write_shard(&stem, i, 4, &out).unwrap()
        })
        .collect();
    let missing = [paths[0].clone(), paths[1].clone(), paths[3].clone()];
    let error = merge_shards::<f32>(&missing, 500, 64).unwrap_err();
    assert!(matches!(error, ShardError::Missing { index: 2 }), "{error}");
    assert_eq!(error.to_string(), "shard 2 is missing");
    let duplicated = [
        paths[0].clone(),
        paths[1].clone(),
        paths[1].clone(),
        paths[2].clone(),
        paths[3].clone(),
    ];
    assert!(matches!(
        merge_shards::<f32>(&duplicated, 500, 64).unwrap_err(),
        ShardError::Duplicate { index: 1 }
    ));
    let other = write_shard(&stem, 0, 5, &[0.0f32]).unwrap();
    assert!(matches!(
        merge_shards::<f32>(&[paths[0].clone(), other.clone()], 500, 64),
        Err(ShardError::Count { .. })
    ));
    assert!(matches!(
        merge_shards::<f32>(&paths, 501, 64),
        Err(ShardError::Length { .. })
    ));
    assert!(matches!(
        merge_shards::<f32>(std::slice::from_ref(&stem), 500, 64),
        Err(ShardError::Name(_))
    ));
    assert_eq!(
        shard_path(&stem, 2, 4)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap(),
        format!(
            "{}.shard-2-of-4.npy",
            stem.file_name().unwrap().to_str().unwrap()
        )
    );
    for path in paths.iter().chain([&other]) {
        std::fs::remove_file(path).unwrap();
    }
}
