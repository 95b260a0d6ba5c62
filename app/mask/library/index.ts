/**
 * flexmask's own Python implementations of the modules mask files import: attention-gym's
 * `attn_gym` (masks and score mods) and the mask functions of Hugging Face transformers'
 * `masking_utils`. When a program says `from attn_gym.masks import causal_mask`, the evaluator
 * runs these sources (plain Python over the torch subset it supports) instead of the real
 * packages. Each file says which public functions it implements; scripts/reference_masks.py runs
 * the same files under CPython for the corpus tests.
 *
 * Keys are dotted module names; a name is a package when another name starts with it and a dot.
 */
import attnGym from './attn_gym/__init__.py?raw';
import attnGymUtils from './attn_gym/utils.py?raw';
import masks from './attn_gym/masks/__init__.py?raw';
import batchify from './attn_gym/masks/batchify.py?raw';
import blockDiffusion from './attn_gym/masks/block_diffusion.py?raw';
import causal from './attn_gym/masks/causal.py?raw';
import dilatedSlidingWindow from './attn_gym/masks/dilated_sliding_window.py?raw';
import documentMask from './attn_gym/masks/document_mask.py?raw';
import flamingo from './attn_gym/masks/flamingo.py?raw';
import globalSlidingWindow from './attn_gym/masks/global_sliding_window.py?raw';
import jetspec from './attn_gym/masks/jetspec.py?raw';
import natten from './attn_gym/masks/natten.py?raw';
import prefixLm from './attn_gym/masks/prefix_lm.py?raw';
import sharedPrefix from './attn_gym/masks/shared_prefix.py?raw';
import slidingWindow from './attn_gym/masks/sliding_window.py?raw';
import sta from './attn_gym/masks/sta.py?raw';
import svg from './attn_gym/masks/svg.py?raw';
import mods from './attn_gym/mods/__init__.py?raw';
import activation from './attn_gym/mods/activation.py?raw';
import alibi from './attn_gym/mods/alibi.py?raw';
import graphormer from './attn_gym/mods/graphormer.py?raw';
import latentAttention from './attn_gym/mods/latent_attention.py?raw';
import sandwich from './attn_gym/mods/sandwich.py?raw';
import softcapping from './attn_gym/mods/softcapping.py?raw';
import transformers from './transformers/__init__.py?raw';
import maskingUtils from './transformers/masking_utils.py?raw';

export const LIBRARY_MODULES: Readonly<Record<string, string>> = Object.freeze({
  attn_gym: attnGym,
  'attn_gym.utils': attnGymUtils,
  'attn_gym.masks': masks,
  'attn_gym.masks.batchify': batchify,
  'attn_gym.masks.block_diffusion': blockDiffusion,
  'attn_gym.masks.causal': causal,
  'attn_gym.masks.dilated_sliding_window': dilatedSlidingWindow,
  'attn_gym.masks.document_mask': documentMask,
  'attn_gym.masks.flamingo': flamingo,
  'attn_gym.masks.global_sliding_window': globalSlidingWindow,
  'attn_gym.masks.jetspec': jetspec,
  'attn_gym.masks.natten': natten,
  'attn_gym.masks.prefix_lm': prefixLm,
  'attn_gym.masks.shared_prefix': sharedPrefix,
  'attn_gym.masks.sliding_window': slidingWindow,
  'attn_gym.masks.sta': sta,
  'attn_gym.masks.svg': svg,
  'attn_gym.mods': mods,
  'attn_gym.mods.activation': activation,
  'attn_gym.mods.alibi': alibi,
  'attn_gym.mods.graphormer': graphormer,
  'attn_gym.mods.latent_attention': latentAttention,
  'attn_gym.mods.sandwich': sandwich,
  'attn_gym.mods.softcapping': softcapping,
  transformers,
  'transformers.masking_utils': maskingUtils,
});
