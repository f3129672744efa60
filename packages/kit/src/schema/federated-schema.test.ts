import { graphql } from 'graphql';
import { Arg, Field, InputType, Query, registerEnumType, Resolver } from 'type-graphql';
import { buildFederatedSchema } from './federated-schema';

enum Shade {
  LIGHT = 'light',
  DARK = 'dark',
}
registerEnumType(Shade, { name: 'Shade' });

@InputType()
class PaintInput {
  @Field(() => Shade, { defaultValue: Shade.DARK })
  shade!: Shade;
}

@Resolver()
class PaintResolver {
  @Query(() => String)
  shadeOf(@Arg('shade', () => Shade, { defaultValue: Shade.LIGHT }) shade: Shade): string {
    return String(shade);
  }

  @Query(() => String)
  paint(@Arg('input', () => PaintInput) input: PaintInput): string {
    return String(input.shade);
  }
}

describe('buildFederatedSchema', () => {
  it('hands resolvers the internal value of an enum default, as it does a given value', async () => {
    const { schema, sdl } = await buildFederatedSchema({ resolvers: [PaintResolver] });
    const run = async (source: string) => (await graphql({ schema, source })).data;
    expect(await run('{ shadeOf }')).toEqual({ shadeOf: 'light' });
    expect(await run('{ shadeOf(shade: DARK) }')).toEqual({ shadeOf: 'dark' });
    expect(await run('{ paint(input: {}) }')).toEqual({ paint: 'dark' });
    expect(await run('{ paint(input: { shade: LIGHT }) }')).toEqual({ paint: 'light' });
    expect(sdl).toContain('shadeOf(shade: Shade! = LIGHT)');
  });
});
