// The engine and the recognition package's pure helpers as the evaluation needs them: the embedding
// of a photo's subject, the LFW pairs parser and the verification metrics (ROC, AUC, EER). The
// package is imported lazily, as the engine does, because it pulls in TensorFlow.js.
import type { LfwPair, ScoredPair, VerificationReport } from '@faceledger/recognition';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';

export class EvaluationRepository {
  constructor(private readonly recognition: Pick<RecognitionRepository, 'analyze'>) {}

  /** The embedding of the face the photo is about (the one at the centre, else the largest); null without a face. */
  async embedSubject(image: Uint8Array, modelId: string): Promise<Float32Array | null> {
    const { pickSubjectFace } = await import('@faceledger/recognition');
    const analysis = await this.recognition.analyze(image, { modelId });
    const embedding = pickSubjectFace(analysis)?.embedding;
    return embedding ? Float32Array.from(embedding) : null;
  }

  /** The pairs of an LFW pairs file; BAD_INPUT with the parser's reason when it is not one. */
  async parsePairs(text: string): Promise<LfwPair[]> {
    const { parseLfwPairs } = await import('@faceledger/recognition');
    try {
      return parseLfwPairs(text);
    } catch (error) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `The pairs file is not in the LFW format (${error instanceof Error ? error.message : String(error)}); see lfw pairs.txt.`,
        { field: 'pairs' },
      );
    }
  }

  /** Accuracy over folds, ROC, AUC and EER of scored pairs. */
  async evaluate(pairs: readonly ScoredPair[]): Promise<VerificationReport> {
    const { evaluateVerification } = await import('@faceledger/recognition');
    return evaluateVerification(pairs);
  }
}
